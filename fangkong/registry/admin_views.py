"""Administration pages: the jurisdiction tree (import, rename, add, move, merge, split, retire), units and places.
Thin: parse the form, call registry.tree / units / places, say what happened. Staff accounts: staff_views."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden
from fangkong.core.tables import read_table_upload
from fangkong.core.xlsx import workbook_bytes, xlsx_response

from . import places, reorganising, selectors, tree, tree_changes, units
from .models import Jurisdiction, Unit

# --- the tree -----------------------------------------------------------------------------------------------------

# A district's tree runs to ~850 rows, most of them grids, each with its rename form: a browser took 4 s to lay that
# table out (a phone longer). Past this many rows the grids fold under their community, opened one at a time.
FOLD_OVER = 200


def _tree_context(request, **extra) -> dict:
    rows = tree.tree_rows(user=request.user)
    depth = {j.pk: j.path.count("/") - 1 for j in rows}
    top = min(depth.values(), default=0)
    kinds = [(k, label) for k, label in Jurisdiction.Kind.choices if k != Jurisdiction.Kind.DISTRICT]
    names = {j.pk: j.name for j in rows}
    for j in rows:
        j.label = _label(j, names.get(j.parent_id or 0))  # type: ignore[attr-defined]
    grids: dict[int, int] = {}
    for j in rows:
        if j.level == Jurisdiction.Level.GRID and j.parent_id:
            grids[j.parent_id] = grids.get(j.parent_id, 0) + 1
    folded = len(rows) > FOLD_OVER
    opened = param_id(request.GET, "open") if folded else None
    shown = [j for j in rows if not folded or j.level != Jurisdiction.Level.GRID or j.parent_id == opened]
    for j in shown:
        j.grids = grids.get(j.pk, 0)  # type: ignore[attr-defined]
    return {
        "rows": [(j, depth[j.pk] - top) for j in shown],
        "folded": folded,
        "opened": opened,
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
            result = titled(result, tree.FIELD_TITLES)
            return render(request, "registry/admin/tree.html", _tree_context(request, result=result))
        if action == "rename":
            renamed = reorganising.JurisdictionRenameInput.from_form(request.POST)
            node = reorganising.jurisdiction_rename(
                actor=request.user, jurisdiction_id=chosen_id(request, "jurisdiction"), **renamed.dict()
            )
            messages.success(request, _("Renamed to %(name)s.") % {"name": node.name})
        elif action == "add":
            added = reorganising.JurisdictionAddInput.from_form(request.POST)
            node = reorganising.jurisdiction_add(actor=request.user, **added.dict())
            messages.success(request, _("%(name)s added.") % {"name": node.name})
        elif action == "move":
            moved = reorganising.JurisdictionMoveInput.from_form(request.POST)
            node = reorganising.jurisdiction_move(
                actor=request.user, jurisdiction_id=chosen_id(request, "jurisdiction"), **moved.dict()
            )
            messages.success(
                request, _("%(name)s moved under %(parent)s.") % {"name": node.name, "parent": node.parent}
            )
        elif action == "merge":
            node = reorganising.jurisdiction_admin_get(
                user=request.user, jurisdiction_id=chosen_id(request, "jurisdiction")
            )
            merged = tree_changes.JurisdictionMergeInput.from_form(request.POST)
            target = tree_changes.jurisdiction_merge(actor=request.user, jurisdiction_id=node.pk, into_id=merged.into)
            messages.success(
                request,
                _("%(name)s merged into %(into)s, with its records; it is retired from today.")
                % {"name": node.name, "into": target.name},
            )
        elif action == "split":
            split = tree_changes.JurisdictionSplitInput.from_form(request.POST)
            node = tree_changes.jurisdiction_split(
                actor=request.user,
                jurisdiction_id=chosen_id(request, "jurisdiction"),
                code=split.code,
                name=split.name,
                compound_ids=split.compounds,
            )
            messages.success(
                request, _("%(name)s made; the compounds chosen moved to it with their people.") % {"name": node.name}
            )
        elif action == "retire":
            node = tree_changes.jurisdiction_retire(
                actor=request.user, jurisdiction_id=chosen_id(request, "jurisdiction")
            )
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


def _label(j: Jurisdiction, parent_name: str | None) -> str:
    """How a choice names a jurisdiction: a grid with its community (a district has hundreds of 第一网格)."""
    return f"{parent_name} · {j.name}" if parent_name and j.level == Jurisdiction.Level.GRID else j.name


def chosen_id(request, name: str) -> int:
    """A posted id the action needs (`required` naming the field when none came)."""
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


def titled(result, titles: dict[str, str]):
    """Each rejected row's column as the sheet's header writes it ("上级编码 parent_code"), for the page."""
    for r in result.rejected:
        title = titles.get(r["field"])
        r["label"] = f"{title} {r['field']}" if title else r["field"]
    return result


def upload_of(request) -> tuple[str, bytes]:
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
            filename, content = upload_of(request)
            result = titled(
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
    action = request.POST.get("action", "import")
    if request.method == "POST":
        try:
            if action == "save":
                outcome = places.place_save(actor=request.user, values={k: v for k, v in request.POST.items()})
                said = {"created": _("Place added."), "updated": _("Place changed.")}.get(
                    outcome, _("Nothing changed.")
                )
                messages.success(request, said)
                return redirect("admin-places")
            filename, content = upload_of(request)
            result = places.places_import(actor=request.user, filename=filename, content=content)
            context["result"] = titled(result, places.FIELD_TITLES)
        except FieldError as exc:
            context["error"], status = exc, 400
            context["form"] = request.POST
    context["action"] = action
    context["counts"] = places.places_counted(user=request.user)
    context["grids"] = [
        (j.code, _label(j, j.parent.name if j.parent else None))
        for j in selectors.jurisdictions_within(user=request.user, cap=Cap.REGISTRY_ADMIN)
        .filter(level=Jurisdiction.Level.GRID, retired_on__isnull=True)
        .select_related("parent")
        .order_by("path")[:2000]
    ]
    return render(request, "registry/admin/places.html", context, status=status)


@scoped
def places_template(request):
    reorganising.admin_scope(request.user)
    rows = [
        ["示例社区", "G-001-01", "示例小区", "", "", "示例路8号", "121.95", "41.10"],
        ["示例社区", "G-001-01", "示例小区", "1号楼", "101", "", "", ""],
    ]
    return xlsx_response("places-template.xlsx", workbook_bytes(_("Places"), places.TEMPLATE_HEADER, rows))
