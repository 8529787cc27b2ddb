"""Risk areas, the screening protocol and settings, checkpoint shifts."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import read_table_upload

from .. import checkpoints as checkpoint_services
from .. import riskareas, selectors
from ..models import Instruction, Measure, RiskLevel, RiskProtocol, ScreeningSettings

# ---------------------------------------------------------------- risk areas


@scoped
def risk_area_list(request):
    error, import_result = None, None
    can_edit = has_cap(request.user, Cap.RISK_EDIT)
    if request.method == "POST":
        try:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                import_result = riskareas.risk_areas_import(
                    actor=request.user, content=read_table_upload(upload), filename=upload.name or ""
                )
            elif request.POST.get("end"):
                riskareas.risk_area_end(actor=request.user, area_id=param_id(request.POST, "end") or 0)
            else:
                data = riskareas.risk_area_clean(
                    **{
                        k: request.POST.get(k, "")
                        for k in ("name", "level", "valid_from", "valid_to", "code", "notice")
                    }
                )
                if request.POST.get("area"):
                    riskareas.risk_area_update(
                        actor=request.user, area_id=param_id(request.POST, "area") or 0, data=data
                    )
                else:
                    riskareas.risk_area_create(actor=request.user, data=data)
            if not import_result or not import_result["rejected"]:
                return redirect("screening:risk_areas")
        except FieldError as exc:
            error = exc
    editing = None
    if can_edit and (edit_id := param_id(request.GET, "edit")):
        editing = selectors.risk_areas(user=request.user).filter(pk=edit_id).first()
    show = request.GET.get("show", "active")
    qs = selectors.risk_areas(user=request.user, active_at=clock.now() if show == "active" else None)
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/risk_areas.html",
        {
            "page": page,
            "query": query,
            "show": show,
            "can_edit": can_edit,
            "error": error,
            "levels": RiskLevel.choices,
            "import_result": import_result,
            "form": request.POST if error else _area_form(editing),
            "editing": editing,
            "now": clock.now(),
        },
        status=400 if error else 200,
    )


def _area_form(area) -> dict:
    if area is None:
        return {}
    from django.utils import timezone

    return {
        "name": area.name,
        "code": area.code,
        "level": area.level,
        "notice": area.notice,
        "valid_from": timezone.localtime(area.valid_from).date().isoformat(),
        "valid_to": timezone.localtime(area.valid_to).date().isoformat() if area.valid_to else "",
    }


# ---------------------------------------------------------------- protocol and shifts


@scoped
def protocol_page(request):
    from .. import protocol

    can_edit = has_cap(request.user, Cap.RISK_EDIT)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("level"):
                days = param_int(request.POST, "days", -1) if request.POST.get("days") else 0
                if days is None or days < 0:
                    raise FieldError("days", _("A whole number."))
                protocol.protocol_update(
                    actor=request.user,
                    level=request.POST["level"],
                    instruction=request.POST.get("instruction", ""),
                    measure=request.POST.get("measure", ""),
                    days=days,
                    test_days=request.POST.get("test_days", ""),
                )
            else:
                protocol.settings_update(
                    actor=request.user,
                    **{k: request.POST[k] for k in protocol.SETTINGS_FIELDS if request.POST.get(k, "") != ""},
                )
            return redirect("screening:protocol")
        except FieldError as exc:
            error = exc
    rows = RiskProtocol.current()
    return render(
        request,
        "screening/protocol.html",
        {
            "levels": [rows[level] for level in ("high", "medium", "low")],
            "settings_row": ScreeningSettings.current(),
            "can_edit": can_edit,
            "error": error,
            "instructions": Instruction.choices,
            "measures": Measure.choices,
        },
    )


@scoped
def shift_page(request):
    """Checkpoints one manages: who is on duty now and in the next days, gaps flagged, shifts added."""
    checkpoints = list(selectors.checkpoints_managed(user=request.user))
    if not checkpoints:
        raise Forbidden(Cap.CHECKPOINT_MANAGE)
    error = None
    if request.method == "POST":
        try:
            starts = parse_moment("starts_at", request.POST.get("starts_at"))
            ends = parse_moment("ends_at", request.POST.get("ends_at"))
            if starts is None:
                raise FieldError("starts_at", _("Give the start."))
            if ends is None:
                raise FieldError("ends_at", _("Give the end."))
            checkpoint_services.shift_create(
                actor=request.user,
                checkpoint_id=param_id(request.POST, "checkpoint") or 0,
                starts_at=starts,
                ends_at=ends,
                leader=request.POST.get("leader", "").strip(),
                staff=[
                    u for u in (x.strip() for x in request.POST.get("staff", "").replace("，", ",").split(",")) if u
                ],
            )
            return redirect("screening:shifts")
        except FieldError as exc:
            error = exc
    rows = []
    ahead = checkpoint_services.shifts_ahead_of(checkpoints, days=7)
    for checkpoint in checkpoints:
        shifts = ahead[checkpoint.pk]
        rows.append(
            {
                "checkpoint": checkpoint,
                "shifts": shifts,
                "gaps": checkpoint_services.uncovered(checkpoint, shifts, days=1),
            }
        )
    return render(
        request, "screening/shifts.html", {"rows": rows, "error": error, "form": request.POST if error else {}}
    )
