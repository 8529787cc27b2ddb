"""Reports filed up the chain (forms as data), their overview, and the duty board."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.params import param_day, param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import jurisdiction_asked


@scoped
def my_reports(request):
    """The reports one files: today's form for each (its fields are data), or one click for nothing to report."""
    from .. import reporting

    assignments = list(reporting.assignments_mine(user=request.user))
    if not assignments:
        raise Forbidden(Cap.TASK_WORK)
    error = None
    if request.method == "POST":
        try:
            data = reporting.ReportSubmitInput.from_form(request.POST)
            reporting.report_submit(actor=request.user, **data.dict())
            messages.success(request, _("Report filed."))
            return redirect("command:reports")
        except FieldError as exc:
            error = exc
    rows = reporting.due_now(user=request.user)
    return render(request, "command/reports.html", {"rows": rows, "error": error}, status=400 if error else 200)


@scoped
def report_overview(request):
    """Completeness and timeliness per reporter, with the missing periods, for a template and a period."""
    from ..reporting import completeness, templates_visible

    if not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.TASK_OVERSEE)
    templates = templates_visible(user=request.user)
    chosen = templates.filter(pk=param_id(request.GET, "template") or 0).first() or templates.first()
    today = clock.localdate()
    start = param_day(request.GET, "since") or today - timedelta(days=6)
    rows = completeness(user=request.user, template_id=chosen.pk, since=start, until=today) if chosen else []
    within = jurisdiction_asked(user=request.user, cap=Cap.TASK_OVERSEE, params=request.GET)
    if within:  # the reporters of a hall's street or community
        rows = [r for r in rows if r.assignment.jpath.startswith(within.path)]
    return render(
        request,
        "command/report_overview.html",
        {"templates": templates, "chosen": chosen, "rows": rows, "since": start, "until": today, "within": within},
    )


@scoped
def duty_page(request):
    """My shifts (check in and out, write the log); for managers, the day's board with its flags."""
    from .. import duty

    error = None
    if request.method == "POST":
        action, shift_id = request.POST.get("action"), param_id(request.POST, "shift") or 0
        try:
            if action == "check_in":
                duty.duty_check_in(actor=request.user, shift_id=shift_id)
            elif action == "check_out":
                duty.duty_check_out(actor=request.user, shift_id=shift_id)
            elif action == "log":
                entry = duty.DutyLogInput.from_form(request.POST)
                duty.duty_log(actor=request.user, shift_id=shift_id, **entry.dict())
            elif action == "promote":
                duty.duty_log_promote(actor=request.user, entry_id=param_id(request.POST, "entry") or 0)
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    mine = list(duty.my_shifts(user=request.user))
    managing = has_cap(request.user, Cap.DUTY_MANAGE)
    if not mine and not managing:
        raise Forbidden(Cap.DUTY_MANAGE)
    within = jurisdiction_asked(user=request.user, cap=Cap.DUTY_MANAGE, params=request.GET) if managing else None
    return render(
        request,
        "command/duty.html",
        {
            "mine": mine,
            "board": duty.board(user=request.user, within=within.path if within else "") if managing else [],
            "within": within,
            "error": error,
        },
        status=400 if error else 200,
    )
