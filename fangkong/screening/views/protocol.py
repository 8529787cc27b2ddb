"""Risk areas, the screening protocol and settings, checkpoint shifts."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
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
                data = riskareas.risk_area_clean(**riskareas.RiskAreaInput.from_form(request.POST).dict())
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
                level = protocol.ProtocolUpdateInput.from_form(request.POST)
                protocol.protocol_update(actor=request.user, level=request.POST["level"], **level.dict())
            else:
                limits = protocol.SettingsUpdateInput.from_form(request.POST)
                protocol.settings_update(actor=request.user, **limits.given())
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
        status=400 if error else 200,
    )


@scoped
def shift_page(request):
    """Checkpoints one manages: who is on duty now and in the next days, gaps flagged, shifts added."""
    checkpoints = list(selectors.checkpoints_managed(user=request.user))
    if not checkpoints:
        raise Forbidden(Cap.CHECKPOINT_MANAGE)
    error = None
    action = request.POST.get("action", "shift")
    if request.method == "POST":
        checkpoint_id = param_id(request.POST, "checkpoint") or 0
        try:
            if action == "close":
                data = checkpoint_services.CheckpointCloseInput.from_form(request.POST)
                c = checkpoint_services.checkpoint_close(actor=request.user, checkpoint_id=checkpoint_id, **data.dict())
                messages.success(request, _("%(name)s is closed: nobody registers there now.") % {"name": c.name})
            elif action == "reopen":
                c = checkpoint_services.checkpoint_reopen(actor=request.user, checkpoint_id=checkpoint_id)
                messages.success(request, _("%(name)s is open again.") % {"name": c.name})
            else:
                shift = checkpoint_services.ShiftCreateInput.from_form(request.POST)
                checkpoint_services.shift_create(actor=request.user, checkpoint_id=checkpoint_id, **shift.dict())
                messages.success(request, _("Shift added."))
            return redirect("screening:shifts")
        except NotFound:
            error = FieldError("checkpoint", _("That checkpoint is not yours to manage."), code=Code.NOT_FOUND)
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
                # A closed checkpoint guards nothing: no gap to flag.
                "gaps": checkpoint_services.uncovered(checkpoint, shifts, days=1) if checkpoint.active else [],
            }
        )
    return render(
        request,
        "screening/shifts.html",
        {
            "rows": rows,
            "error": error,
            "action": action,
            "form": request.POST if error else {},
            "may_set_up": has_cap(request.user, Cap.REGISTRY_ADMIN),
        },
        status=400 if error else 200,
    )
