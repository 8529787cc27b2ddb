"""Staff accounts and their roles: made, granted, revoked, reset and deactivated by administrators within reach.

Reach is the administrator's `accounts.admin` scope (district HQ: the district; a street officer: the street).
- An account belongs to a jurisdiction (`StaffProfile`); its administrators are those whose reach covers it.
- Acting on an account (a role, a reset, deactivation) needs reach over all of it: its own jurisdiction and every
  role it holds. A street officer cannot reset district HQ's password because HQ also works in their street.
- A role is granted at a place within reach, and only a role made of powers the granter holds there (plus a unit's
  own work, core.roles.UNIT_WORK, at a unit): a street officer makes grid workers and checkpoint staff, not district
  HQ. District-wide administrators grant any role. Nobody grants themselves a role or resets their own password
  (that is the password change); one may step down (give up a role, deactivate one's account).
- Nothing is deleted: an account is deactivated (its tokens end at once, its sessions at their next request), a
  role ends on its `valid_until` or is revoked — the audit trail keeps both.
- The district always keeps an active administrator: the last one is neither deactivated nor stripped of the role.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record
from fangkong.core.auth import tokens_revoke
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import InvalidDocument, clean_phone
from fangkong.core.models import StaffContact
from fangkong.core.passwords import password_change_require
from fangkong.core.roles import ROLES, UNIT_KINDS, UNIT_WORK, Cap, Role, cap_label, role_label
from fangkong.core.scoping import Forbidden, NotFound, Scope, in_force, scope_for

from . import errors
from .models import Jurisdiction, RoleAssignment, StaffProfile, Unit
from .selectors import staff_within

User = get_user_model()


class StaffCreateInput(FormInput):
    username: str
    full_name: str
    phone: str = ""
    password: str = ""  # none: one is drawn and returned once
    jurisdiction_id: int | None = None  # where the account belongs; default: the caller's own jurisdiction


class RoleGrantInput(FormInput):
    role: str
    jurisdiction_id: int | None = None
    unit_id: int | None = None
    valid_until: date | None = None


class StaffDeactivateInput(FormInput):
    reason: str = ""


def can_see_viewers(*, user, person) -> bool:
    """Whether `user` may ask who can see `person` (an administrator of accounts whose reach covers them)."""
    return scope_for(user, Cap.ACCOUNTS_ADMIN).covers(person.jpath)


def require_admin(actor) -> Scope:
    """The actor's reach over accounts; Forbidden for one who administers none."""
    return _reach(actor)


def _reach(actor) -> Scope:
    scope = scope_for(actor, Cap.ACCOUNTS_ADMIN)
    if scope.empty:
        raise Forbidden(Cap.ACCOUNTS_ADMIN)
    return scope


def staff_visible(*, user) -> QuerySet:
    """The accounts `user` administers: belonging to, or holding a role at, a place within reach (active or not)."""
    return staff_within(user=user, cap=Cap.ACCOUNTS_ADMIN, active_only=False)


def staff_get(*, user, staff_id: int, for_update: bool = False):
    """One account `user` administers; NotFound for any other (whether it exists or not)."""
    rows = staff_visible(user=user)
    if for_update:
        rows = User.objects.select_for_update().filter(pk__in=rows.values("pk"))
    found = rows.filter(pk=staff_id).first()
    if found is None:
        raise NotFound
    return found


def _place_path(assignment: RoleAssignment) -> str:
    if assignment.jurisdiction is not None:
        return assignment.jurisdiction.path
    return assignment.unit.jpath if assignment.unit else ""


def _require_whole_reach(actor, target, *, self_ok: bool = False) -> None:
    """`target` wholly within the actor's reach (its jurisdiction and every role it holds); the actor's own account
    only where `self_ok` (stepping down, never up)."""
    if target.pk == actor.pk and not self_ok:
        raise Forbidden(_("You cannot change your own account or roles; ask another administrator."))
    reach = _reach(actor)
    profile = StaffProfile.objects.filter(user=target).first()
    grants = list(target.roles.select_related("jurisdiction", "unit"))
    paths = [profile.jpath] if profile else []
    paths += [_place_path(a) for a in grants]
    if not all(reach.covers(p) for p in paths):
        raise Forbidden(_("This account also works beyond your reach; its administrators there must do this."))
    # Whoever could take the account over (a new password is shown to the administrator) must be able to grant
    # everything it holds: a street officer does not reset a discipline inspector's password.
    if target.pk != actor.pk and not all(
        _grantable(actor, ROLES[a.role], _place_path(a)) for a in grants if a.role in ROLES
    ):
        raise Forbidden(_("This account holds powers you cannot grant; a higher administrator must do this."))


def _audit_account(actor, action: str, account, **details) -> None:
    """An account's change in the trail: the account by id and user name (a staff member's, not personal data)."""
    audit_record(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=account.pk,
        object_repr=account.get_username(),
        **details,
    )


# --- district administrators ------------------------------------------------------------------------------------


def _district_admin_roles() -> list[str]:
    return [code for code, role in ROLES.items() if Cap.ACCOUNTS_ADMIN in role.caps and role.binds == "jurisdiction"]


def _district_admin_grants() -> QuerySet[RoleAssignment]:
    """The in-force grants that make an active user an administrator of the whole district."""
    return RoleAssignment.objects.filter(
        in_force(), role__in=_district_admin_roles(), jurisdiction__parent__isnull=True, user__is_active=True
    )


def _keep_an_administrator(*, leaving_user=None, leaving_grant: RoleAssignment | None = None) -> None:
    grants = _district_admin_grants().select_for_update(of=("self",))  # the grants; their jurisdiction join is outer
    # One that stays for good: a grant ending tomorrow would leave the district without one the day after.
    remaining = [
        g
        for g in grants
        if g.user_id != getattr(leaving_user, "pk", None)
        and g.pk != getattr(leaving_grant, "pk", 0)
        and g.valid_until is None
    ]
    touched = leaving_user is not None and any(g.user_id == leaving_user.pk for g in grants)
    touched = touched or (leaving_grant is not None and any(g.pk == leaving_grant.pk for g in grants))
    if touched and not remaining:
        raise FieldError(
            "user",
            _("This is the district's last administrator; make another one first."),
            code=errors.Code.LAST_ADMIN,
        )


# --- accounts -----------------------------------------------------------------------------------------------------


@dataclass
class Made:
    user: Any
    password: str  # as given, or drawn here: handed to the person once, changed at their first sign-in


def clean_username(username: str, *, field: str = "username") -> str:
    """A user name the user model accepts (letters, digits, @ . + - _, at most 150) and nobody has, in any case."""
    username = (username or "").strip()
    try:
        User._meta.get_field("username").run_validators(username)
        if not username:
            raise ValidationError("empty")
    except ValidationError as exc:
        raise FieldError(
            field, _("A user name is up to 150 letters, digits and . @ + - _."), code=Code.INVALID
        ) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise FieldError(field, _("This user name is taken."), code=Code.DUPLICATE)
    return username


def checked_password(user, given: str, *, field: str = "password") -> str:
    """`given`, or one drawn, as the site's password rules accept it for `user`."""
    password = given or secrets.token_urlsafe(9)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise FieldError(field, " ".join(exc.messages), code=Code.INVALID) from exc
    return password


def _home(actor, jurisdiction_id: int | None) -> Jurisdiction:
    reach = _reach(actor)
    if jurisdiction_id is None:
        roots = list(Jurisdiction.objects.filter(path__in=reach.paths))
        if len(roots) != 1:
            raise FieldError(
                "jurisdiction_id", _("Choose the jurisdiction the account belongs to."), code=Code.REQUIRED
            )
        return roots[0]
    home = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if home is None:
        raise FieldError("jurisdiction_id", _("No such jurisdiction."), code=Code.NOT_FOUND)
    if not reach.covers(home.path):
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    return home


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    full_name: str,
    phone: str = "",
    password: str = "",
    jurisdiction_id: int | None = None,
    encoded: str = "",
) -> Made:
    """A staff account belonging to a jurisdiction within reach, with no role yet; its password (given, or drawn
    and returned) must be changed at the first sign-in. `encoded`: the password already hashed (a sheet's import
    hashes many at once)."""
    home = _home(actor, jurisdiction_id)
    username = clean_username(username)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise FieldError("full_name", _("Give the person's full name."), code=Code.REQUIRED)
    if len(full_name) > 64:
        raise FieldError("full_name", _("The name is longer than 64 characters."), code=Code.TOO_LONG)
    try:
        phone = clean_phone(phone) if (phone or "").strip() else ""
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    user = User(username=username)
    password = checked_password(user, password)
    if encoded:
        user.password = encoded
    else:
        user.set_password(password)
    user.save()
    StaffProfile.objects.create(
        user=user, full_name=full_name, jurisdiction=home, jpath=home.path, created_by=actor, created_at=clock.now()
    )
    if phone:
        StaffContact.objects.create(user=user, phone_cipher=pii.encrypt(phone))
    password_change_require(user)
    _audit_account(
        actor,
        "staff.create",
        user,
        jpath=home.path,
        fields={"jurisdiction": home.code, "phone": pii.mask_phone(phone) if phone else ""},
    )
    return Made(user=user, password=password)


@transaction.atomic
def staff_deactivate(*, actor, staff_id: int, reason: str = "") -> None:
    """The account stops working at once: its API tokens are deleted, its sessions refused from their next
    request (an inactive user is nobody). Its roles stay, to show who held what; reactivation restores it."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target, self_ok=True)
    if not target.is_active:
        return
    _keep_an_administrator(leaving_user=target)
    target.is_active = False
    target.save(update_fields=["is_active"])
    StaffProfile.objects.filter(user=target).update(deactivated_at=clock.now())
    tokens_revoke(actor=actor, user=target)
    _audit_account(
        actor,
        "staff.deactivate",
        target,
        reason=" ".join((reason or "").split())[:500],
    )


@transaction.atomic
def staff_reactivate(*, actor, staff_id: int) -> None:
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target)
    if target.is_active:
        return
    target.is_active = True
    target.save(update_fields=["is_active"])
    StaffProfile.objects.filter(user=target).update(deactivated_at=None)
    _audit_account(
        actor,
        "staff.reactivate",
        target,
    )


@transaction.atomic
def staff_password_reset(*, actor, staff_id: int) -> str:
    """A new password, drawn, for the administrator to hand over; the person changes it at the next sign-in. The
    account's tokens end (whoever held the old password holds nothing)."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    _require_whole_reach(actor, target)
    password = checked_password(target, "")
    target.set_password(password)
    target.save(update_fields=["password"])
    password_change_require(target)
    tokens_revoke(actor=actor, user=target)
    _audit_account(
        actor,
        "staff.password_reset",
        target,
    )
    return password


# --- roles --------------------------------------------------------------------------------------------------------


def _grantable(actor, role: Role, path: str) -> bool:
    if _reach(actor).district_wide:
        return True
    unit_work = UNIT_WORK if role.binds == "unit" else frozenset()
    return all(cap in unit_work or scope_for(actor, cap).covers(path) for cap in role.caps)


def _role(code: str) -> Role:
    role = ROLES.get((code or "").strip())
    if role is None:
        raise FieldError("role", _("No such role."), code=Code.UNKNOWN_CHOICE)
    return role


def _place(role: Role, jurisdiction_id: int | None, unit_id: int | None) -> tuple[Jurisdiction | None, Unit | None]:
    if role.binds == "jurisdiction":
        if jurisdiction_id is None or unit_id is not None:
            raise FieldError("jurisdiction_id", _("This role is held over a jurisdiction."), code=Code.REQUIRED)
        j = Jurisdiction.objects.filter(pk=jurisdiction_id, retired_on__isnull=True).first()
        if j is None:
            raise FieldError("jurisdiction_id", _("No such jurisdiction."), code=Code.NOT_FOUND)
        return j, None
    if unit_id is None or jurisdiction_id is not None:
        raise FieldError("unit_id", _("This role is held at a unit."), code=Code.REQUIRED)
    u = Unit.objects.filter(pk=unit_id).first()
    if u is None:
        raise FieldError("unit_id", _("No such unit."), code=Code.NOT_FOUND)
    kinds = UNIT_KINDS.get(role.code)
    if kinds is not None and u.kind not in kinds:
        raise FieldError(
            "unit_id",
            _("This role is held at a %(kinds)s, not at a %(kind)s.")
            % {"kinds": "、".join(str(Unit.Kind(k).label) for k in sorted(kinds)), "kind": u.get_kind_display()},
            code=Code.UNKNOWN_CHOICE,
        )
    return None, u


@transaction.atomic
def role_grant(
    *,
    actor,
    staff_id: int,
    role: str,
    jurisdiction_id: int | None = None,
    unit_id: int | None = None,
    valid_until: date | None = None,
) -> RoleAssignment:
    """`role` over a jurisdiction or at a unit, until `valid_until` (inclusive) or revoked. Granting what is already
    held there sets the new end date. Forbidden beyond the actor's reach, to themselves, or for a role made of
    powers they do not hold."""
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    spec = _role(role)
    jurisdiction, unit = _place(spec, jurisdiction_id, unit_id)
    path = jurisdiction.path if jurisdiction else unit.jpath  # type: ignore[union-attr]
    if target.pk == actor.pk:
        raise Forbidden(_("You cannot change your own account or roles; ask another administrator."))
    if not _reach(actor).covers(path):
        raise Forbidden(_("This place is beyond your reach."))
    if not _grantable(actor, spec, path):
        raise Forbidden(_("This role carries powers you do not hold there; a higher administrator grants it."))
    if valid_until is not None and valid_until < clock.localdate():
        raise FieldError("valid_until", _("The end date has passed."), code=Code.OUT_OF_RANGE)
    assignment = RoleAssignment.objects.filter(
        user=target, role=spec.code, jurisdiction=jurisdiction, unit=unit
    ).first()
    if assignment is None:
        assignment = RoleAssignment(user=target, role=spec.code, jurisdiction=jurisdiction, unit=unit)
    assignment.valid_until = valid_until
    assignment.granted_by = actor
    assignment.granted_at = clock.now()
    assignment.save()
    _audit_account(
        actor,
        "role.grant",
        target,
        jpath=path,
        fields={
            "role": spec.code,
            "at": (jurisdiction or unit).code,  # type: ignore[union-attr]
            "valid_until": valid_until.isoformat() if valid_until else "",
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor, staff_id: int, assignment_id: int) -> None:
    target = staff_get(user=actor, staff_id=staff_id, for_update=True)
    assignment = (
        RoleAssignment.objects.select_related("jurisdiction", "unit").filter(pk=assignment_id, user=target).first()
    )
    if assignment is None:
        raise NotFound
    path = _place_path(assignment)
    if not _reach(actor).covers(path):
        raise Forbidden(_("This place is beyond your reach."))
    spec = ROLES.get(assignment.role)
    if target.pk != actor.pk and spec is not None and not _grantable(actor, spec, path):
        raise Forbidden(_("This role carries powers you do not hold there; a higher administrator grants it."))
    _keep_an_administrator(leaving_grant=assignment)
    assignment.delete()
    _audit_account(
        actor,
        "role.revoke",
        target,
        jpath=path,
        fields={"role": assignment.role, "at": (assignment.jurisdiction or assignment.unit).code},  # type: ignore[union-attr]
    )


# --- what an account may do, and who may see a record ----------------------------------------------------------


@dataclass(frozen=True)
class Power:
    cap: str
    label: str
    where: list[str]  # the places it reaches, by name


def staff_powers(target) -> list[Power]:
    """What `target` may do today and where, from the roles in force (an expired one grants nothing)."""
    where: dict[str, list[str]] = {}
    if target.is_active:
        for a in target.roles.filter(in_force()).select_related("jurisdiction", "unit"):
            role = ROLES.get(a.role)
            for cap in sorted(role.caps) if role else ():
                place = (a.jurisdiction or a.unit).name  # type: ignore[union-attr]
                if place not in where.setdefault(cap, []):
                    where[cap].append(place)
    return [Power(cap, cap_label(cap), places) for cap, places in sorted(where.items())]


@dataclass(frozen=True)
class Viewer:
    user: Any
    full_name: str
    role: str  # its label
    place: str


def person_viewers(*, user, person) -> list[Viewer]:
    """Which staff can see `person`'s record in the register, and why (the role and the place that covers the
    person): for an administrator within reach of the person. The modules' unit staff (a checkpoint that registered
    them, a lab with their sample) see only their own records of the person, not the register."""
    if not scope_for(user, Cap.ACCOUNTS_ADMIN).covers(person.jpath):
        raise NotFound
    prefixes = [person.jpath[: i + 1] for i, ch in enumerate(person.jpath) if ch == "/"]
    roles = [code for code, r in ROLES.items() if Cap.PEOPLE_VIEW in r.caps]
    rows = (
        RoleAssignment.objects.filter(in_force(), role__in=roles, jurisdiction__path__in=prefixes, user__is_active=True)
        .select_related("user", "user__staff_profile", "jurisdiction")
        .order_by("jurisdiction__path", "role", "user__username")
    )
    return [
        Viewer(
            user=a.user,
            full_name=getattr(getattr(a.user, "staff_profile", None), "full_name", ""),
            role=role_label(a.role),
            place=a.jurisdiction.name,  # type: ignore[union-attr]
        )
        for a in rows
    ]


def units_within_reach(*, user) -> list[Unit]:
    """The units where `user` may grant a unit role (a form's choices; each grant is checked again)."""
    return list(Unit.objects.filter(_reach(user).q("jpath")).order_by("kind", "name"))


def grantable_roles(actor) -> list[Role]:
    """The roles `actor` may grant somewhere (a form's choices; each grant is checked again at its place)."""
    reach = scope_for(actor, Cap.ACCOUNTS_ADMIN)
    if reach.empty:
        return []
    if reach.district_wide:
        return list(ROLES.values())
    out = []
    for role in ROLES.values():
        unit_work = UNIT_WORK if role.binds == "unit" else frozenset()
        if all(cap in unit_work or any(scope_for(actor, cap).covers(p) for p in reach.paths) for cap in role.caps):
            out.append(role)
    return out


def staff_search(rows: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return rows
    return rows.filter(Q(username__icontains=text) | Q(staff_profile__full_name__icontains=text))
