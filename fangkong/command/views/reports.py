"""Reports filed up the chain (forms as data), their templates and their overview."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.params import param_day, param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
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
def template_page(request):
    """Report templates: made with their fields (a form of rows), and asked of jurisdictions and units below."""
    from .. import reporting
    from ..models import ReportTemplate

    if not has_cap(request.user, Cap.DIRECTIVE_ISSUE):
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    error, action = None, request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "create":
                data = reporting.TemplateCreateInput.from_form(request.POST)
                t = reporting.template_create(actor=request.user, **data.dict())
                messages.success(request, _("Template %(name)s made: now choose who files it.") % {"name": t.name})
                return redirect(f"{request.path}#t-{t.pk}")
            data = reporting.TemplateAssignInput.from_form(request.POST)
            made = reporting.template_assign(
                actor=request.user, template_id=param_id(request.POST, "template") or 0, **data.dict()
            )
            messages.success(request, _("%(n)d reporters added.") % {"n": len(made)})
            return redirect(request.path)
        except NotFound:
            error = FieldError("template", _("That template is not within your reach."), code=Code.NOT_FOUND)
        except FieldError as exc:
            error = exc
    places, units = reporting.reporter_choices(user=request.user)
    return render(
        request,
        "command/report_templates.html",
        {
            "templates": reporting.templates_visible(user=request.user),
            "places": places,
            "units": units,
            "rows": range(1, reporting.FORM_ROWS + 1),
            "types": reporting.FIELD_TYPE_LABELS,
            "schedules": ReportTemplate.Schedule.choices,
            "weekdays": sorted(WEEKDAYS.items()),
            "error": error,
            "action": action,
            "form": request.POST,
        },
        status=400 if error else 200,
    )
