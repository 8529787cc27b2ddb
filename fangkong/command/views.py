"""Command pages: my tasks, a task, directives (issue and follow), the inbox."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core import inbox as notifications
from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_day, param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap, scope_for
from fangkong.core.xlsx import xlsx_response
from fangkong.registry.models import Jurisdiction, Unit

from . import directives


@scoped
def my_tasks(request):
    if not has_cap(request.user, Cap.TASK_WORK):
        raise Forbidden(Cap.TASK_WORK)
    directives.escalate_overdue()  # overdue tasks are told upwards without waiting for cron
    page, query = page_of(request, directives.tasks_mine(user=request.user))
    return render(request, "command/tasks.html", {"page": page, "query": query})


@scoped
def task_detail(request, task_id: int):
    task = directives.task_get(user=request.user, task_id=task_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                directives.task_acknowledge(actor=request.user, task_id=task.pk)
            elif action == "report":
                directives.task_report(
                    actor=request.user,
                    task_id=task.pk,
                    text=request.POST.get("text", ""),
                    attachment=request.FILES.get("attachment"),
                )
            elif action == "complete":
                directives.task_complete(actor=request.user, task_id=task.pk, note=request.POST.get("note", ""))
            elif action == "split":
                directives.directive_issue(
                    actor=request.user,
                    from_task=task,
                    title=request.POST.get("title", "") or task.directive.title,
                    body=request.POST.get("body", ""),
                    deadline=parse_moment("deadline", request.POST.get("deadline"), end=True),
                    recipients=request.POST.getlist("recipients"),
                )
            messages.success(request, _("Saved."))
            return redirect("command:task", task.pk)
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    below = Jurisdiction.objects.filter(parent_id=task.jurisdiction_id).order_by("path") if task.jurisdiction_id else []
    return render(
        request,
        "command/task.html",
        {
            "task": task,
            "state": task.state_now(),
            "updates": task.updates.select_related("author").order_by("at"),
            "mine": directives.tasks_mine(user=request.user).filter(pk=task.pk).exists(),
            "can_split": has_cap(request.user, Cap.DIRECTIVE_ISSUE) and bool(below),
            "below": below,
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def attachment(request, update_id: int):
    """A progress report's attachment, for those who may see the task."""
    from .models import TaskUpdate

    update = TaskUpdate.objects.filter(pk=update_id).exclude(attachment="").first()
    if update is None:
        raise Http404
    directives.task_get(user=request.user, task_id=update.task_id)  # 404 outside
    return FileResponse(update.attachment.open("rb"), as_attachment=True)


@scoped
def directive_list(request):
    reach = scope_for(request.user, Cap.DIRECTIVE_ISSUE)
    if reach.empty and not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    error = None
    if request.method == "POST":
        try:
            d = directives.directive_issue(
                actor=request.user,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                evidence=request.POST.get("evidence", ""),
                deadline=parse_moment("deadline", request.POST.get("deadline"), end=True),
                recipients=request.POST.getlist("recipients"),
            )
            messages.success(request, _("Directive issued to %(n)d recipients.") % {"n": d.tasks.count()})
            return redirect("command:directive", d.pk)
        except FieldError as exc:
            error = exc
    page, query = page_of(request, directives.directives_visible(user=request.user))
    # Who one may address: the jurisdictions right below one's own, and the units within reach.
    roots = [p for p in reach.paths]
    below = Jurisdiction.objects.filter(parent__path__in=roots).order_by("path") if roots else []
    units = (
        Unit.objects.filter(reach.q("jpath"), kind__in=["department", "clinic", "enterprise"]).order_by("kind", "name")[
            :300
        ]
        if roots
        else []
    )
    return render(
        request,
        "command/directives.html",
        {"page": page, "query": query, "below": below, "units": units, "error": error, "form": request.POST},
        status=400 if error else 200,
    )


@scoped
def directive_detail(request, directive_id: int):
    directive = directives.directive_get(user=request.user, directive_id=directive_id)
    directives.escalate_overdue()
    tasks = list(directive.tasks.select_related("jurisdiction", "unit").order_by("pk"))
    rows = [(t, t.state_now()) for t in tasks]
    counts = {s: sum(1 for _t, st in rows if st == s) for s in ("open", "acknowledged", "done", "overdue")}
    return render(request, "command/directive.html", {"directive": directive, "rows": rows, "counts": counts})


@scoped
def inbox(request):
    if request.method == "POST":
        notifications.mark_read(user=request.user)
        return redirect("command:inbox")
    page, query = page_of(request, notifications.inbox(user=request.user))
    return render(request, "command/inbox.html", {"page": page, "query": query})


@scoped
def my_reports(request):
    """The reports one files: today's form for each (its fields are data), or one click for nothing to report."""
    from . import reporting

    assignments = list(reporting.assignments_mine(user=request.user))
    if not assignments:
        raise Forbidden(Cap.TASK_WORK)
    error = None
    if request.method == "POST":
        aid = param_id(request.POST, "assignment") or 0
        try:
            chosen = next((a for a in assignments if a.pk == aid), None)
            values = {f["key"]: request.POST.get(f["key"], "") for f in chosen.template.fields} if chosen else {}
            reporting.report_submit(
                actor=request.user,
                assignment_id=aid,
                values={k: v for k, v in values.items() if v != ""},
                zero=request.POST.get("zero") == "1",
            )
            messages.success(request, _("Report filed."))
            return redirect("command:reports")
        except FieldError as exc:
            error = exc
    rows = reporting.due_now(user=request.user)
    return render(request, "command/reports.html", {"rows": rows, "error": error}, status=400 if error else 200)


@scoped
def report_overview(request):
    """Completeness and timeliness per reporter, with the missing periods, for a template and a period."""
    from .reporting import completeness, templates_visible

    if not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.TASK_OVERSEE)
    templates = templates_visible(user=request.user)
    chosen = templates.filter(pk=param_id(request.GET, "template") or 0).first() or templates.first()
    today = clock.localdate()
    start = param_day(request.GET, "since") or today - timedelta(days=6)
    rows = completeness(user=request.user, template_id=chosen.pk, since=start, until=today) if chosen else []
    return render(
        request,
        "command/report_overview.html",
        {"templates": templates, "chosen": chosen, "rows": rows, "since": start, "until": today},
    )


@scoped
def duty_page(request):
    """My shifts (check in and out, write the log); for managers, the day's board with its flags."""
    from . import duty

    error = None
    if request.method == "POST":
        action, shift_id = request.POST.get("action"), param_id(request.POST, "shift") or 0
        try:
            if action == "check_in":
                duty.duty_check_in(actor=request.user, shift_id=shift_id)
            elif action == "check_out":
                duty.duty_check_out(actor=request.user, shift_id=shift_id)
            elif action == "log":
                duty.duty_log(actor=request.user, shift_id=shift_id, text=request.POST.get("text", ""))
            elif action == "promote":
                duty.duty_log_promote(actor=request.user, entry_id=param_id(request.POST, "entry") or 0)
            messages.success(request, _("Saved."))
            return redirect("command:duty")
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    mine = list(duty.my_shifts(user=request.user))
    managing = has_cap(request.user, Cap.DUTY_MANAGE)
    if not mine and not managing:
        raise Forbidden(Cap.DUTY_MANAGE)
    return render(
        request,
        "command/duty.html",
        {
            "mine": mine,
            "board": duty.board(user=request.user) if managing else [],
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def supervision_page(request):
    """Findings (record one; propose an outcome; decide another's proposal) and a unit's record."""
    from . import supervision
    from .models import Finding, Outcome

    if not (has_cap(request.user, Cap.SUPERVISE)):
        raise Forbidden(Cap.SUPERVISE)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "finding":
                supervision.finding_record(
                    actor=request.user,
                    target_kind=request.POST.get("target_kind", ""),
                    target_id=param_id(request.POST, "target_id") or 0,
                    text=request.POST.get("text", ""),
                )
            elif action == "propose":
                supervision.outcome_propose(
                    actor=request.user,
                    finding_id=param_id(request.POST, "finding") or 0,
                    kind=request.POST.get("kind", ""),
                    note=request.POST.get("note", ""),
                )
            elif action in ("approve", "reject"):
                supervision.outcome_decide(
                    actor=request.user,
                    outcome_id=param_id(request.POST, "outcome") or 0,
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                )
            messages.success(request, _("Saved."))
            return redirect("command:supervision")
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    record = None
    unit_id, jurisdiction_id = param_id(request.GET, "unit"), param_id(request.GET, "jurisdiction")
    if unit_id or jurisdiction_id:
        record = supervision.unit_record(user=request.user, unit_id=unit_id, jurisdiction_id=jurisdiction_id)
    page, query = page_of(request, supervision.findings_visible(user=request.user))
    return render(
        request,
        "command/supervision.html",
        {
            "page": page,
            "query": query,
            "targets": Finding.Target.choices,
            "kinds": Outcome.Kind.choices,
            "record": record,
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def incident_list(request):
    from fangkong.incidents import services as incidents
    from fangkong.incidents.models import IncidentLevel

    if not has_cap(request.user, Cap.TASK_WORK):
        raise Forbidden(Cap.TASK_WORK)
    error = None
    if request.method == "POST":
        try:
            occurred = parse_moment("occurred_at", request.POST.get("occurred_at"))
            if occurred is None:
                raise FieldError("occurred_at", _("Give the time."))
            incident = incidents.incident_report_initial(
                actor=request.user,
                title=request.POST.get("title", ""),
                level=request.POST.get("level", ""),
                occurred_at=occurred,
                known_at=parse_moment("known_at", request.POST.get("known_at")),
                jurisdiction_id=param_id(request.POST, "jurisdiction") or 0,
                text=request.POST.get("text", ""),
            )
            return redirect("command:incident", incident.pk)
        except FieldError as exc:
            error = exc
    rows = [(i, incidents.next_due(i)) for i in incidents.incidents_visible(user=request.user)[:100]]
    scope = scope_for(request.user, Cap.TASK_WORK)
    return render(
        request,
        "command/incidents.html",
        {
            "rows": rows,
            "levels": IncidentLevel.objects.all(),
            "places": Jurisdiction.objects.filter(scope.q("path")).order_by("path")[:500],
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def incident_detail(request, incident_id: int):
    from fangkong.incidents import services as incidents

    incident = incidents.incidents_visible(user=request.user).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            incidents.incident_report_add(
                actor=request.user,
                incident_id=incident.pk,
                kind=request.POST.get("kind", ""),
                text=request.POST.get("text", ""),
            )
            return redirect("command:incident", incident.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "command/incident.html",
        {
            "incident": incident,
            "reports": incident.reports.select_related("author").order_by("at"),
            "due": incidents.next_due(incident),
            "late_initial": incidents.initial_late_minutes(incident),
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def chain_page(request):
    """The responsibility chain of a task, a zone, a checkpoint or an enterprise."""
    from .chain import chain

    object_id = param_id(request.GET, "id")
    if object_id is None:
        raise Http404  # nothing named (the page is linked from a task, a zone, a checkpoint or an enterprise)
    levels = chain(user=request.user, kind=request.GET.get("kind", ""), object_id=object_id)
    return render(request, "command/chain.html", {"levels": levels})


@scoped
def situation_list(request):
    from .models import SituationReport
    from .situation import situation_compile

    if not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.TASK_OVERSEE)
    if request.method == "POST":
        try:
            report = situation_compile(actor=request.user)
            return redirect("command:situation", report.pk)
        except Forbidden:
            messages.error(request, _("Only district HQ compiles the daily report."))
        except FieldError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "command/situations.html",
        {
            "reports": SituationReport.objects.order_by("-day")[:60],
            "can_compile": has_cap(request.user, Cap.SITUATION_APPROVE),
        },
    )


@scoped
def situation_detail(request, report_id: int):
    from . import situation

    report = situation.report_get(user=request.user, report_id=report_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "write":
                situation.section_write(
                    actor=request.user,
                    section_id=param_id(request.POST, "section") or 0,
                    text=request.POST.get("text", ""),
                )
            elif action == "approve":
                situation.section_approve(actor=request.user, section_id=param_id(request.POST, "section") or 0)
            elif action == "recompile":
                situation.situation_compile(actor=request.user, day=report.day)
            elif action == "publish":
                situation.situation_publish(actor=request.user, report_id=report.pk)
            messages.success(request, _("Saved."))
        except Forbidden:
            messages.error(request, _("Only district HQ approves and publishes."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("command:situation", report.pk)
    return render(
        request,
        "command/situation.html",
        {
            "report": report,
            "sections": report.sections.select_related("approved_by", "written_by").prefetch_related(
                "versions__written_by"
            ),
            "controller": has_cap(request.user, Cap.SITUATION_APPROVE),
        },
    )


@scoped
def situation_export(request, report_id: int, fmt: str):
    from django.http import HttpResponse

    from . import situation

    report = situation.report_get(user=request.user, report_id=report_id)
    name = f"situation-{report.day.isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", situation.as_xlsx(report))
    else:
        try:
            pdf = situation.as_pdf(report)
        except OSError:  # WeasyPrint's system libraries (Pango) are missing on this server
            return HttpResponse(_("PDF export needs Pango on the server (apt-get install libpango-1.0-0)."), status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
