"""Administration pages: the jurisdiction tree (import, rename, add, move) and staff accounts with their roles.
Thin: parse the form, call registry.tree / registry.staff, say what happened."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import ROLES, Cap, role_label
from fangkong.core.scoping import Forbidden
from fangkong.core.tables import read_table_upload
from fangkong.core.xlsx import workbook_bytes, xlsx_response

from . import merging, places, reorganising, selectors, staff, staff_import, tree, tree_changes, units
from .models import Jurisdiction, Unit

# --- the tree -----------------------------------------------------------------------------------------------------


def _tree_context(request, **extra) -> dict:
    rows = tree.tree_rows(user=request.user)
    depth = {j.pk: j.path.count("/") - 1 for j in rows}
    top = min(depth.values(), default=0)
    kinds = [(k, label) for k, label in Jurisdiction.Kind.choices if k != Jurisdiction.Kind.DISTRICT]
    return {
        "rows": [(j, depth[j.pk] - top) for j in rows],
        "parents": [j for j in rows if j.level != Jurisdiction.Level.GRID and j.retired_on is None],
        "changeable": [j for j in rows if j.parent_id is not None and j.retired_on is None and depth[j.pk] > top],
        # A split's compounds: those of the grid chosen first (?split=), not the district's thousands.
        "split": (split := param_id(request.GET, "split")),
        "compounds": reorganising.compounds_of(user=request.user, grid_id=split) if split else [],
        "kinds": kinds,
        **extra,
    }


@scoped
def tree_page(request):
    reorganising.admin_scope(request.user)
    if request.method != "POST":
        return render(request, "registry/admin/tree.html", _tree_context(request))
    action = request.POST.get("action", "")
    try:
        if action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                raise FieldError("file", _("Choose a file."), code=Code.REQUIRED)
            content = read_table_upload(upload)
            result = tree.jurisdictions_import(actor=request.user, filename=upload.name or "", content=content)
            result = _titled(result, tree.FIELD_TITLES)
            return render(request, "registry/admin/tree.html", _tree_context(request, result=result))
        if action == "rename":
            node = reorganising.jurisdiction_rename(
                actor=request.user, jurisdiction_id=_id(request, "jurisdiction"), name=request.POST.get("name", "")
            )
            messages.success(request, _("Renamed to %(name)s.") % {"name": node.name})
        elif action == "add":
            node = reorganising.jurisdiction_add(
                actor=request.user,
                parent_id=_id(request, "parent"),
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
            )
            messages.success(request, _("%(name)s added.") % {"name": node.name})
        elif action == "move":
            node = reorganising.jurisdiction_move(
                actor=request.user, jurisdiction_id=_id(request, "jurisdiction"), parent_id=_id(request, "parent")
            )
            messages.success(
                request, _("%(name)s moved under %(parent)s.") % {"name": node.name, "parent": node.parent}
            )
        elif action == "merge":
            node = reorganising.jurisdiction_admin_get(user=request.user, jurisdiction_id=_id(request, "jurisdiction"))
            target = tree_changes.jurisdiction_merge(
                actor=request.user, jurisdiction_id=node.pk, into_id=_id(request, "into")
            )
            messages.success(
                request,
                _("%(name)s merged into %(into)s, with its records; it is retired from today.")
                % {"name": node.name, "into": target.name},
            )
        elif action == "split":
            compounds = [int(v) for v in request.POST.getlist("compounds") if v.isdigit()]
            node = tree_changes.jurisdiction_split(
                actor=request.user,
                jurisdiction_id=_id(request, "jurisdiction"),
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                compound_ids=compounds,
            )
            messages.success(
                request, _("%(name)s made; the compounds chosen moved to it with their people.") % {"name": node.name}
            )
        elif action == "retire":
            node = tree_changes.jurisdiction_retire(actor=request.user, jurisdiction_id=_id(request, "jurisdiction"))
            messages.success(request, _("%(name)s is retired from today.") % {"name": node.name})
        else:
            raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)
    except FieldError as exc:
        context = _tree_context(request, error=exc, action=action, form=request.POST)
        return render(request, "registry/admin/tree.html", context, status=400)
    except Forbidden as exc:
        error = FieldError("jurisdiction", exc.reason or _("This is beyond your reach."), code=Code.FORBIDDEN)
        context = _tree_context(request, error=error, action=action, form=request.POST)
        return render(request, "registry/admin/tree.html", context, status=403)
    return redirect("admin-tree")


def _id(request, name: str) -> int:
    value = param_id(request.POST, name)
    if value is None:
        raise FieldError(name, _("Choose one."), code=Code.REQUIRED)
    return value


@scoped
def tree_template(request):
    reorganising.admin_scope(request.user)
    district = selectors.district_path().strip("/") or "211103"
    rows = [
        [f"{district}001000", "示例街道", "街道", district],
        [f"{district}001001", "示例社区", "社区", f"{district}001000"],
        ["G-001-01", "示例社区第一网格", "网格", f"{district}001001"],
    ]
    return xlsx_response("jurisdictions-template.xlsx", workbook_bytes(_("Jurisdictions"), tree.TEMPLATE_HEADER, rows))


def _titled(result, titles: dict[str, str]):
    """Each rejected row's column as the sheet's header writes it ("上级编码 parent_code"), for the page."""
    for r in result.rejected:
        title = titles.get(r["field"])
        r["label"] = f"{title} {r['field']}" if title else r["field"]
    return result


def _upload(request) -> tuple[str, bytes]:
    upload = request.FILES.get("file")
    if upload is None:
        raise FieldError("file", _("Choose a file."), code=Code.REQUIRED)
    return upload.name or "", read_table_upload(upload)


# --- units --------------------------------------------------------------------------------------------------------


def _units_context(request, **extra) -> dict:
    rows = units.units_administered(user=request.user).order_by("kind", "code")
    kind = request.GET.get("kind", "")
    if kind in Unit.Kind.values:
        rows = rows.filter(kind=kind)
    text = request.GET.get("q", "").strip()[:64]
    if text:
        rows = rows.filter(name__icontains=text) | rows.filter(code__icontains=text)
    page, query = page_of(request, rows)
    return {
        "page": page,
        "query": query,
        "kind": kind,
        "q": text,
        "kinds": Unit.Kind.choices,
        "header": units.template_header(),
        "places": selectors.jurisdictions_within(user=request.user, cap=Cap.REGISTRY_ADMIN).filter(
            retired_on__isnull=True
        ),
        "departments": units.departments(),
        "extensions": units.extension_forms(extra.get("form")),
        **extra,
    }


@scoped
def units_page(request):
    reorganising.admin_scope(request.user)
    if request.method != "POST":
        return render(request, "registry/admin/units.html", _units_context(request))
    action = request.POST.get("action", "")
    try:
        if action == "import":
            filename, content = _upload(request)
            result = _titled(
                units.units_import(actor=request.user, filename=filename, content=content), units.FIELD_TITLES
            )
            return render(request, "registry/admin/units.html", _units_context(request, result=result))
        unit, outcome = units.unit_save(actor=request.user, values={k: v for k, v in request.POST.items()})
    except FieldError as exc:
        context = _units_context(request, error=exc, action=action or "save", form=request.POST)
        return render(request, "registry/admin/units.html", context, status=400)
    except Forbidden as exc:
        error = FieldError("code", exc.reason or _("This is beyond your reach."), code=Code.FORBIDDEN)
        context = _units_context(request, error=error, action="save", form=request.POST)
        return render(request, "registry/admin/units.html", context, status=403)
    said = {"created": _("%(name)s added."), "updated": _("%(name)s changed.")}.get(outcome, _("Nothing changed."))
    messages.success(request, said % {"name": unit.name})
    return redirect("admin-units")


@scoped
def units_template(request):
    reorganising.admin_scope(request.user)
    district = selectors.district_path().strip("/") or "211103"
    rows = [
        ["部门", "D-YJ", "区应急管理局", district, "", "", "", "", ""],
        ["企业", "E-0001", "示例化工有限公司", district, "D-YJ", "91211103MA0Y00001M", "示例路1号", "121.98", "41.12"],
    ]
    return xlsx_response("units-template.xlsx", workbook_bytes(_("Units"), units.template_header(), rows))


# --- places -------------------------------------------------------------------------------------------------------


@scoped
def places_page(request):
    reorganising.admin_scope(request.user)
    context: dict = {}
    status = 200
    if request.method == "POST":
        try:
            filename, content = _upload(request)
            result = places.places_import(actor=request.user, filename=filename, content=content)
            context["result"] = _titled(result, places.FIELD_TITLES)
        except FieldError as exc:
            context["error"], status = exc, 400
    context["counts"] = places.places_counted(user=request.user)
    return render(request, "registry/admin/places.html", context, status=status)


@scoped
def places_template(request):
    reorganising.admin_scope(request.user)
    rows = [
        ["示例社区", "G-001-01", "示例小区", "", "", "示例路8号", "121.95", "41.10"],
        ["示例社区", "G-001-01", "示例小区", "1号楼", "101", "", "", ""],
    ]
    return xlsx_response("places-template.xlsx", workbook_bytes(_("Places"), places.TEMPLATE_HEADER, rows))


# --- staff --------------------------------------------------------------------------------------------------------


def _homes(request):
    return selectors.jurisdictions_within(user=request.user, cap=Cap.ACCOUNTS_ADMIN).exclude(
        level=Jurisdiction.Level.GRID
    )


@require_POST
@scoped
def staff_import_page(request):
    staff.require_admin(request.user)
    try:
        filename, content = _upload(request)
        result = staff_import.staff_import(actor=request.user, filename=filename, content=content)
        result = _titled(result, staff_import.FIELD_TITLES)
    except FieldError as exc:
        return _staff_list(request, status=400, import_error=exc)
    return _staff_list(request, result=result)


@scoped
def staff_template(request):
    staff.require_admin(request.user)
    rows = [["wg_001", "张网格", "13800000000", "", "网格员", "G-001-01", "", ""]]
    return xlsx_response("staff-template.xlsx", workbook_bytes(_("Staff"), staff_import.TEMPLATE_HEADER, rows))


def _staff_list(request, status: int = 200, **extra):
    text = request.GET.get("q", "").strip()[:64]
    rows = staff.staff_search(staff.staff_visible(user=request.user), text).order_by("username")
    rows = rows.prefetch_related("roles__jurisdiction", "roles__unit")
    page, query = page_of(request, rows)
    today = clock.localdate()
    for u in page:  # "网格员 · 兴隆社区第一网格": what each holds, and where; an ended grant said so
        u.grant_lines = [
            f"{role_label(r.role)} · {(r.jurisdiction or r.unit).name}"
            + (_(" (ended)") if r.valid_until and r.valid_until < today else "")
            for r in u.roles.all()
        ]
    context = {"page": page, "query": query, "q": text, "homes": _homes(request), **extra}
    return render(request, "registry/admin/staff_list.html", context, status=status)


@scoped
def staff_list(request):
    staff.require_admin(request.user)
    if request.method != "POST":
        return _staff_list(request)
    try:
        data = staff.StaffCreateInput.from_form(request.POST)
        made = staff.staff_create(actor=request.user, **data.dict())
    except FieldError as exc:
        return _staff_list(request, status=400, error=exc, form=request.POST)
    messages.success(request, _("Account %(name)s made.") % {"name": made.user.get_username()})
    # The password is shown once, on this answer, never stored in a message or the session.
    drawn = "" if request.POST.get("password") else made.password
    return _staff_detail(request, made.user.pk, new_password=drawn)


def _staff_detail(request, staff_id: int, status: int = 200, **extra):
    target = staff.staff_get(user=request.user, staff_id=staff_id)
    grants = target.roles.select_related("jurisdiction", "unit", "granted_by").order_by("pk")
    context = {
        "target": target,
        "profile": getattr(target, "staff_profile", None),
        "grants": grants,
        "powers": staff.staff_powers(target),
        "roles": staff.grantable_roles(request.user),
        "places": selectors.jurisdictions_within(user=request.user, cap=Cap.ACCOUNTS_ADMIN).filter(
            retired_on__isnull=True
        ),
        "units": staff.units_within_reach(user=request.user),
        "today": clock.localdate(),
        "role_labels": {code: r.label for code, r in ROLES.items()},
        **extra,
    }
    return render(request, "registry/admin/staff_detail.html", context, status=status)


@scoped
def staff_detail(request, staff_id: int):
    return _staff_detail(request, staff_id)


@require_POST
@scoped
def staff_action(request, staff_id: int):
    action = request.POST.get("action", "")
    try:
        if action == "grant":
            grant = staff.RoleGrantInput.from_form(request.POST)
            # The form offers both places; the role says which it is held over.
            if ROLES.get(grant.role) and ROLES[grant.role].binds == "unit":
                grant.jurisdiction_id = None
            else:
                grant.unit_id = None
            staff.role_grant(actor=request.user, staff_id=staff_id, **grant.dict())
            messages.success(request, _("Role granted."))
        elif action == "revoke":
            staff.role_revoke(actor=request.user, staff_id=staff_id, assignment_id=_id(request, "grant"))
            messages.success(request, _("Role revoked."))
        elif action == "deactivate":
            why = staff.StaffDeactivateInput.from_form(request.POST)
            staff.staff_deactivate(actor=request.user, staff_id=staff_id, reason=why.reason)
            messages.success(request, _("Account deactivated: it cannot sign in, and its devices are signed out."))
        elif action == "reactivate":
            staff.staff_reactivate(actor=request.user, staff_id=staff_id)
            messages.success(request, _("Account reactivated."))
        elif action == "reset":
            password = staff.staff_password_reset(actor=request.user, staff_id=staff_id)
            return _staff_detail(request, staff_id, new_password=password)
        else:
            raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)
    except FieldError as exc:
        return _staff_detail(request, staff_id, status=400, error=exc, action=action, form=request.POST)
    except Forbidden as exc:
        if not staff.staff_visible(user=request.user).filter(pk=staff_id).exists():
            raise
        reason = exc.reason or _("This is beyond your reach.")
        error = FieldError(action, reason, code=Code.FORBIDDEN)
        return _staff_detail(request, staff_id, status=403, error=error, action=action, form=request.POST)
    return redirect("admin-staff-detail", staff_id=staff_id)


@scoped
def person_viewers(request, person_id: int):
    person = selectors.person_get(user=request.user, person_id=person_id)
    viewers = staff.person_viewers(user=request.user, person=person)
    return render(request, "registry/admin/person_viewers.html", {"person": person, "viewers": viewers})


# --- duplicates ---------------------------------------------------------------------------------------------------


@scoped
def duplicates_page(request):
    found = merging.people_duplicates(user=request.user)
    error = None
    if request.method == "POST":
        try:
            merge = merging.PersonMergeInput.from_form(request.POST)
            kept = merge.into
            others = [int(v) for v in request.POST.getlist("people") if v.isdigit() and int(v) != kept]
            if not others:
                raise FieldError("into", _("Choose the record to keep."), code=Code.REQUIRED)
            with transaction.atomic():  # the whole group or nothing
                for other in others:
                    merging.person_merge(actor=request.user, person_id=other, into=kept, reason=merge.reason)
        except FieldError as exc:
            error = exc
        else:
            messages.success(request, _("Merged: %(n)s record(s) into the kept one.") % {"n": len(others)})
            return redirect("person", person_id=kept)
    reasons = dict(REASONS)
    groups = [
        {"people": members, "reason": reasons.get(d.reason, d.reason)}
        for d, members in merging.duplicates_with_people(found)
    ]
    context = {"groups": groups, "error": error, "form": request.POST}
    return render(request, "registry/admin/duplicates.html", context, status=400 if error else 200)


REASONS = (
    ("name_birth_phone", gettext_lazy("The same name, birth date and phone")),
    ("documents", gettext_lazy("The same name and phone under two kinds of document")),
    ("old_id", gettext_lazy("An old 15-digit ID number beside its 18-digit form")),
)
