"""Administration endpoints (`/api/v1/admin/…`): the jurisdiction tree and staff accounts with their roles. Thin:
parse, call registry.tree / registry.staff, shape. Reach is checked by the services: 403 beyond it, 404 for an
account the caller does not administer."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import prefetch_related_objects
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core import clock
from fangkong.core.api import ErrorOut, idempotent, paginate
from fangkong.core.roles import ROLES, cap_label
from fangkong.core.tables import read_table_upload

from . import places, staff, staff_import, tree, units
from .models import RoleAssignment, StaffProfile
from .selectors import person_get

router = Router(tags=["administration"])


class Rejection(Schema):
    row: int
    field: str
    message: str
    code: str


class TreeImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: list[Rejection]


@router.post(
    "/admin/jurisdictions:import",
    response={200: TreeImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
)
def jurisdictions_import(request, file: File[UploadedFile]):
    """The jurisdiction tree from a sheet (.xlsx or .csv; header row first; columns `code, name, level,
    parent_code`; levels 街道/镇/乡, 社区/村, 网格 or street/town/community/village/grid). New codes are created,
    known ones renamed or moved; each rejected row is listed with its field, and nothing is created under a rejected
    row. Re-importing the same file creates nothing. Send `Idempotency-Key` to make retries safe."""
    content = read_table_upload(file)

    def run():
        result = tree.jurisdictions_import(actor=request.user, filename=file.name or "", content=content)
        return 200, result.as_dict()

    return Status(*idempotent(request, "admin.jurisdictions_import", run))


@router.post("/admin/places:import", response={200: TreeImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def places_import(request, file: File[UploadedFile]):
    """Compounds (or village groups), buildings and households from a sheet: columns `community, grid, compound,
    building, household, address, lon, lat` (社区, 网格, 小区, 楼栋, 户, 地址, 经度, 纬度), one row per place, its
    finest given. A place is known by its name under its parent: a re-import changes nothing. Send
    `Idempotency-Key` to make retries safe."""
    content = read_table_upload(file)

    def run():
        return 200, places.places_import(actor=request.user, filename=file.name or "", content=content).as_dict()

    return Status(*idempotent(request, "admin.places_import", run))


@router.post("/admin/units:import", response={200: TreeImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def units_import(request, file: File[UploadedFile]):
    """Units from a sheet: `kind, code, name, jurisdiction, department, uscc, address, lon, lat`
    (类型, 编码, 名称, 所在辖区, 主管部门, 统一社会信用代码, 地址, 经度, 纬度), and for sampling sites
    `site_kind, hours`, for isolation sites `capacity, isolation_kind`. Matched on the code; an enterprise's credit
    code is checked. Send `Idempotency-Key` to make retries safe."""
    content = read_table_upload(file)

    def run():
        return 200, units.units_import(actor=request.user, filename=file.name or "", content=content).as_dict()

    return Status(*idempotent(request, "admin.units_import", run))


class UnitOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    jurisdiction_id: int
    supervising_department_id: int | None
    uscc: str
    address: str
    place_id: int | None = None  # the compound or building it sits in (所在小区/所在楼栋), where registered


class UnitsPage(Schema):
    items: list[UnitOut]
    count: int


@router.get("/admin/units", response={200: UnitsPage, 403: ErrorOut})
def units_list(request, kind: str = "", q: str = "", page: int = 1, page_size: int | None = None):
    """The units within your reach, by kind or by a part of their name or code."""
    rows = units.units_administered(user=request.user).order_by("kind", "code")
    if kind:
        rows = rows.filter(kind=kind)
    if q.strip():
        rows = rows.filter(name__icontains=q.strip()) | rows.filter(code__icontains=q.strip())
    items, count = paginate(rows, page, page_size)
    return {"items": items, "count": count}


class StaffPassword(Schema):
    row: int
    username: str
    password: str


class StaffImportOut(TreeImportOut):
    passwords: list[StaffPassword]


@router.post("/admin/users:import", response={200: StaffImportOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def users_import(request, file: File[UploadedFile]):
    """Staff from a sheet: `username, full_name, phone, jurisdiction, role, place, valid_until, password`
    (用户名, 姓名, 手机号, 所属辖区, 角色, 岗位所在, 有效期至, 初始密码). New user names become accounts (a
    password drawn unless given, returned once in `passwords`, changed at the first sign-in); a role is granted at
    `place` with the reach rules of
    `/admin/users/{id}/roles`. Send `Idempotency-Key` to make retries safe; a replay answers without the passwords,
    which are never stored (reset those accounts' passwords)."""
    content = read_table_upload(file)

    def run():
        result = staff_import.staff_import(actor=request.user, filename=file.name or "", content=content)
        return 200, result.as_dict()

    return Status(*idempotent(request, "admin.users_import", run, stored=_without_passwords))


class CapabilityOut(Schema):
    code: str
    label: str


class RoleOut(Schema):
    code: str
    label: str
    binds: str  # "jurisdiction" or "unit": what a grant names
    capabilities: list[CapabilityOut]


class RolesOut(Schema):
    items: list[RoleOut]


@router.get("/admin/roles", response={200: RolesOut, 403: ErrorOut})
def roles(request):
    """Every role, what it is held over, and what it may do."""
    staff.require_admin(request.user)
    return {
        "items": [
            {
                "code": r.code,
                "label": str(r.label),
                "binds": r.binds,
                "capabilities": [{"code": c, "label": cap_label(c)} for c in sorted(r.caps)],
            }
            for r in ROLES.values()
        ]
    }


def _without_passwords(body: dict) -> dict:
    """A reply as kept for a replay: drawn passwords are shown once and never rest in the database."""
    kept = dict(body)
    if "passwords" in kept:
        kept["passwords"] = []
    if kept.get("password"):
        kept["password"] = ""
    return kept


class UserMadeOut(Schema):
    id: int
    password: str = ""  # only when drawn here


class GrantOut(Schema):
    id: int
    role: str
    label: str
    jurisdiction_id: int | None
    unit_id: int | None
    place: str
    valid_until: date | None
    in_force: bool
    granted_by: str
    granted_at: datetime | None


class PowerOut(Schema):
    code: str
    label: str
    where: list[str]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    active: bool
    jurisdiction_id: int | None
    roles: list[GrantOut]


class UserDetailOut(UserOut):
    capabilities: list[PowerOut]


class UsersPage(Schema):
    items: list[UserOut]
    count: int


def _grant(a: RoleAssignment) -> dict:
    return {
        "id": a.pk,
        "role": a.role,
        "label": str(ROLES[a.role].label) if a.role in ROLES else a.role,
        "jurisdiction_id": a.jurisdiction_id,
        "unit_id": a.unit_id,
        "place": (a.jurisdiction or a.unit).name,  # type: ignore[union-attr]
        "valid_until": a.valid_until,
        "in_force": a.valid_until is None or a.valid_until >= clock.localdate(),
        "granted_by": a.granted_by.get_username() if a.granted_by else "",
        "granted_at": a.granted_at,
    }


def _user(u) -> dict:
    profile: StaffProfile | None = getattr(u, "staff_profile", None)
    grants = sorted(u.roles.all(), key=lambda a: a.pk)  # prefetched by the list, read once by the detail
    return {
        "id": u.pk,
        "username": u.get_username(),
        "full_name": profile.full_name if profile else "",
        "active": u.is_active,
        "jurisdiction_id": profile.jurisdiction_id if profile else None,
        "roles": [_grant(a) for a in grants],
    }


@router.get("/admin/users", response={200: UsersPage, 403: ErrorOut})
def users(request, q: str = "", page: int = 1, page_size: int | None = None):
    """The staff accounts you administer (active or not), found by user name or full name."""
    staff.require_admin(request.user)
    rows = staff.staff_search(staff.staff_visible(user=request.user), q).order_by("username")
    rows = rows.prefetch_related("roles__jurisdiction", "roles__unit", "roles__granted_by")
    items, count = paginate(rows, page, page_size)
    return {"items": [_user(u) for u in items], "count": count}


@router.post("/admin/users", response={201: UserMadeOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def user_create(request, payload: staff.StaffCreateInput):
    """A staff account (no role yet) belonging to a jurisdiction within your reach. Its password — given, or drawn
    and returned here once — must be changed at the first sign-in. Send `Idempotency-Key` to make retries safe (a
    replay answers without a drawn password, which is never stored)."""

    def run():
        made = staff.staff_create(actor=request.user, **payload.dict())
        return 201, {"id": made.user.pk, "password": "" if payload.password else made.password}

    return Status(*idempotent(request, "admin.user_create", run, stored=_without_passwords))


@router.get("/admin/users/{int:user_id}", response={200: UserDetailOut, 403: ErrorOut, 404: ErrorOut})
def user_detail(request, user_id: int):
    """An account, its roles (in force or ended) with who granted each and when, and what it may do today."""
    u = staff.staff_get(user=request.user, staff_id=user_id)
    prefetch_related_objects([u], "roles__jurisdiction", "roles__unit", "roles__granted_by")
    powers = [{"code": p.cap, "label": p.label, "where": p.where} for p in staff.staff_powers(u)]
    return {**_user(u), "capabilities": powers}


@router.post("/admin/users/{int:user_id}/roles", response={201: GrantOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def role_grant(request, user_id: int, payload: staff.RoleGrantInput):
    """Grant a role over a jurisdiction (`jurisdiction_id`) or at a unit (`unit_id`), until `valid_until`
    (inclusive) if given. 403 when the place is beyond your reach, the role carries powers you do not hold there,
    or the account is your own."""
    a = staff.role_grant(actor=request.user, staff_id=user_id, **payload.dict())
    return Status(201, _grant(a))  # the service's row holds its place and granter already


class Done(Schema):
    ok: bool = True


@router.post(
    "/admin/users/{int:user_id}/roles/{int:grant_id}/revoke",
    response={200: Done, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def role_revoke(request, user_id: int, grant_id: int):
    """End a role now (the audit keeps it). The district's last administrator keeps theirs (400 `last_admin`)."""
    staff.role_revoke(actor=request.user, staff_id=user_id, assignment_id=grant_id)
    return {"ok": True}


class ActiveOut(Schema):
    active: bool


@router.post(
    "/admin/users/{int:user_id}/deactivate", response={200: ActiveOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def user_deactivate(request, user_id: int, payload: staff.StaffDeactivateInput | None = None):
    """The account stops working at once: its tokens are revoked and its sessions refused. Never deleted; the
    district's last administrator cannot be deactivated (400 `last_admin`), nor can you deactivate yourself."""
    staff.staff_deactivate(actor=request.user, staff_id=user_id, reason=payload.reason if payload else "")
    return {"active": False}


@router.post("/admin/users/{int:user_id}/reactivate", response={200: ActiveOut, 403: ErrorOut, 404: ErrorOut})
def user_reactivate(request, user_id: int):
    staff.staff_reactivate(actor=request.user, staff_id=user_id)
    return {"active": True}


class PasswordOut(Schema):
    password: str


@router.post("/admin/users/{int:user_id}/password:reset", response={200: PasswordOut, 403: ErrorOut, 404: ErrorOut})
def user_password_reset(request, user_id: int):
    """A new password, drawn and returned once, to be changed at the next sign-in; the account's tokens end."""
    return {"password": staff.staff_password_reset(actor=request.user, staff_id=user_id)}


class ViewerOut(Schema):
    user_id: int
    username: str
    full_name: str
    role: str
    place: str


class ViewersOut(Schema):
    items: list[ViewerOut]


@router.get("/people/{int:person_id}/viewers", response={200: ViewersOut, 404: ErrorOut})
def person_viewers(request, person_id: int):
    """Which staff can see this person's record in the register and why (the role and the place covering them):
    for an administrator of accounts whose reach covers the person."""
    person = person_get(user=request.user, person_id=person_id)
    rows = staff.person_viewers(user=request.user, person=person)
    return {
        "items": [
            {
                "user_id": v.user.pk,
                "username": v.user.get_username(),
                "full_name": v.full_name,
                "role": v.role,
                "place": v.place,
            }
            for v in rows
        ]
    }
