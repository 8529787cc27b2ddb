"""Command endpoints: directives and the tasks they make, the inbox."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Form, Router, Schema, Status

from fangkong.core import inbox as notifications
from fangkong.core.api import ErrorOut, paginate
from fangkong.core.dates import ClockTime, Day, Moment
from fangkong.incidents import services as incidents
from fangkong.incidents.models import IncidentLevel

from . import chain, directives, duty, reporting, situation, supervision

router = Router(tags=["command"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class DirectiveIn(Schema):
    title: str
    body: str = ""
    deadline: Moment
    recipients: list[int | str]  # jurisdiction ids, or "unit:ID"
    evidence: str = ""  # what completing needs (a photo of the posted notice, a list …)


class DirectiveOut(Schema):
    id: int
    tasks: list[int]


@router.post("/directives", response={201: DirectiveOut, **ERRORS})
def directive_create(request, payload: DirectiveIn):
    """Issue a directive downwards: one task per recipient, each notified."""
    d = directives.directive_issue(actor=request.user, **payload.dict())
    return Status(201, {"id": d.pk, "tasks": list(d.tasks.order_by("pk").values_list("pk", flat=True))})


class TaskOut(Schema):
    id: int
    title: str
    body: str
    deadline: datetime
    state: str  # open | acknowledged | done | overdue
    recipient: str
    directive_id: int
    evidence: str


def _task(t) -> dict:
    return {
        "id": t.pk,
        "title": t.directive.title,
        "body": t.directive.body,
        "deadline": t.deadline,
        "state": t.state_now(),
        "recipient": t.recipient.name,
        "directive_id": t.directive_id,
        "evidence": t.directive.evidence,
    }


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


@router.get("/tasks", response={200: TaskPage, **ERRORS})
def task_list(request, page: int = 1, page_size: int | None = None):
    """The caller's tasks (addressed to their jurisdiction or unit), open ones first."""
    items, count = paginate(directives.tasks_mine(user=request.user), page, page_size)
    return {"items": [_task(t) for t in items], "count": count}


@router.get("/tasks/{int:task_id}", response={200: TaskOut, **ERRORS})
def task_detail(request, task_id: int):
    return _task(directives.task_get(user=request.user, task_id=task_id))


@router.post("/tasks/{int:task_id}/acknowledge", response={200: TaskOut, **ERRORS})
def task_acknowledge(request, task_id: int):
    return _task(directives.task_acknowledge(actor=request.user, task_id=task_id))


class CompleteIn(Schema):
    note: str = ""


@router.post("/tasks/{int:task_id}/complete", response={200: TaskOut, **ERRORS})
def task_complete(request, task_id: int, payload: CompleteIn):
    """Done, with the evidence the directive asked for (in the note, or as attachments reported before)."""
    return _task(directives.task_complete(actor=request.user, task_id=task_id, note=payload.note))


class UpdateOut(Schema):
    id: int
    text: str
    at: datetime
    attachment: bool


@router.post("/tasks/{int:task_id}/updates", response={201: UpdateOut, **ERRORS})
def task_update(request, task_id: int, text: Form[str]):
    """Progress on a task, with an optional `attachment` file (multipart form): a JPEG/PNG/WebP photo, a PDF, an
    Excel or a Word file, recognised by its content (a name claiming another type is refused)."""
    attachment = request.FILES.get("attachment")
    u = directives.task_report(actor=request.user, task_id=task_id, text=text, attachment=attachment)
    return Status(201, {"id": u.pk, "text": u.text, "at": u.at, "attachment": bool(u.attachment)})


class SubDirectiveIn(DirectiveIn):
    pass


@router.post("/tasks/{int:task_id}/subtasks", response={201: DirectiveOut, **ERRORS})
def task_split(request, task_id: int, payload: SubDirectiveIn):
    """Pass a task further down (a street to its communities): a directive of its own, due no later."""
    from django.db import transaction

    from .directives import _my_task

    with transaction.atomic():
        task = _my_task(request.user, task_id)
        d = directives.directive_issue(actor=request.user, from_task=task, **payload.dict())
    return Status(201, {"id": d.pk, "tasks": list(d.tasks.order_by("pk").values_list("pk", flat=True))})


class NotificationOut(Schema):
    id: int
    at: datetime
    title: str
    body: str
    link: str
    read: bool


@router.get("/inbox", response={200: list[NotificationOut], **ERRORS})
def inbox(request, unread: bool = False):
    qs = notifications.inbox(user=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {"id": n.pk, "at": n.at, "title": n.title, "body": n.body, "link": n.link, "read": n.read_at is not None}
        for n in qs[:200]
    ]


class ReadIn(Schema):
    ids: list[int] | None = None  # none: all


@router.post("/inbox/read", response={200: dict, **ERRORS})
def inbox_read(request, payload: ReadIn):
    return {"marked": notifications.mark_read(user=request.user, notification_ids=payload.ids)}


# ---------------------------------------------------------------- information reporting


class TemplateIn(Schema):
    name: str
    fields: list[dict[str, Any]]  # [{"key", "label", "type": "number|text|choice", "choices", "required"}]
    schedule: str = "daily"  # daily | weekly
    due_time: ClockTime | None = None  # default 16:00
    weekday: int = 0  # weekly: the day it is due (0 = Monday)


class TemplateOut(Schema):
    id: int
    name: str
    schedule: str
    due_time: time
    fields: list[dict[str, Any]]


@router.post("/report-templates", response={201: TemplateOut, **ERRORS})
def template_create(request, payload: TemplateIn):
    t = reporting.template_create(actor=request.user, **payload.dict())
    return Status(201, {"id": t.pk, "name": t.name, "schedule": t.schedule, "due_time": t.due_time, "fields": t.fields})


class AssignIn(Schema):
    recipients: list[int | str]
    since: Day | None = None


@router.post("/report-templates/{int:template_id}/assign", response={200: dict, **ERRORS})
def template_assign(request, template_id: int, payload: AssignIn):
    made = reporting.template_assign(actor=request.user, template_id=template_id, **payload.dict())
    return {"assigned": len(made)}


class AssignmentOut(Schema):
    id: int
    template_id: int
    name: str
    fields: list[dict[str, Any]]
    due_at: datetime  # the current period's
    filed: bool


@router.get("/reports/due", response={200: list[AssignmentOut], **ERRORS})
def reports_due(request):
    """The reports the caller files, with the current period's due moment and whether it is filed."""
    return [
        {
            "id": a.pk,
            "template_id": a.template_id,
            "name": a.template.name,
            "fields": a.template.fields,
            "due_at": due_at,
            "filed": filed is not None,
        }
        for a, due_at, filed in reporting.due_now(user=request.user)
    ]


class SubmissionIn(Schema):
    assignment_id: int
    period: Day | None = None
    values: dict[str, Any] = {}
    zero: bool = False  # 零报告: nothing to report


class SubmissionOut(Schema):
    id: int
    period: date
    zero: bool
    late: bool


@router.post("/reports", response={201: SubmissionOut, **ERRORS})
def report_create(request, payload: SubmissionIn):
    """File a report (or a zero report) for a period; a second one for the same period is refused."""
    s = reporting.report_submit(actor=request.user, **payload.dict())
    return Status(201, {"id": s.pk, "period": s.period, "zero": s.zero, "late": s.submitted_at > s.due_at})


class CompletenessOut(Schema):
    reporter: str
    expected: int
    submitted: int
    on_time: int
    completeness: float
    timeliness: float
    missing: list[date]


@router.get("/reports/completeness", response={200: list[CompletenessOut], **ERRORS})
def report_completeness(request, template_id: int, since: Day, until: Day):
    """Completeness and on-time rates per reporter over a period, with the latest missing periods."""
    rows = reporting.completeness(user=request.user, template_id=template_id, since=since, until=until)
    return [
        {
            "reporter": r.assignment.reporter.name,
            "expected": r.expected,
            "submitted": r.submitted,
            "on_time": r.on_time,
            "completeness": round(r.completeness, 4),
            "timeliness": round(r.timeliness, 4),
            "missing": r.missing,
        }
        for r in rows
    ]


# ---------------------------------------------------------------- duty


class RosterIn(Schema):
    jurisdiction_id: int | None = None  # a jurisdiction's duty room …
    unit_id: int | None = None  # … or a unit's
    first: Day
    days: int = 1
    change_at: ClockTime = time(8, 0)
    label: str = ""  # e.g. 五一假期


class DutyShiftOut(Schema):
    id: int
    post: str
    starts_at: datetime
    ends_at: datetime
    leader: str | None
    officers: list[str]
    no_leader: bool
    nobody_in: bool


@router.post("/duty/rosters", response={201: list[int], **ERRORS})
def roster_create(request, payload: RosterIn):
    """Daily 24-hour shifts for a duty room over a period (a holiday template)."""
    return Status(201, [s.pk for s in duty.roster_generate(actor=request.user, **payload.dict())])


@router.get("/duty/board", response={200: list[DutyShiftOut], **ERRORS})
def duty_board(request, day: Day | None = None):
    """The day's shifts within reach, flagged: no leader on duty; started and nobody checked in."""
    return [
        {
            "id": v.shift.pk,
            "post": v.shift.post.name,
            "starts_at": v.shift.starts_at,
            "ends_at": v.shift.ends_at,
            "leader": v.leader.user.get_username() if v.leader else None,
            "officers": [a.user.get_username() for a in v.officers],
            "no_leader": v.no_leader,
            "nobody_in": v.nobody_in,
        }
        for v in duty.board(user=request.user, day=day)
    ]


class DutyAssignIn(Schema):
    user_id: int
    role: str  # leader | officer


@router.post("/duty/shifts/{int:shift_id}/assign", response={201: dict, **ERRORS})
def duty_assign(request, shift_id: int, payload: DutyAssignIn):
    a = duty.duty_assign(actor=request.user, shift_id=shift_id, **payload.dict())
    return Status(201, {"id": a.pk, "role": a.role})


@router.post("/duty/shifts/{int:shift_id}/check-in", response={200: dict, **ERRORS})
def duty_check_in(request, shift_id: int):
    a = duty.duty_check_in(actor=request.user, shift_id=shift_id)
    return {"checked_in_at": a.checked_in_at.isoformat() if a.checked_in_at else None}


@router.post("/duty/shifts/{int:shift_id}/check-out", response={200: dict, **ERRORS})
def duty_check_out(request, shift_id: int):
    a = duty.duty_check_out(actor=request.user, shift_id=shift_id)
    return {"checked_out_at": a.checked_out_at.isoformat() if a.checked_out_at else None}


class LogIn(Schema):
    text: str


@router.post("/duty/shifts/{int:shift_id}/log", response={201: dict, **ERRORS})
def duty_log(request, shift_id: int, payload: LogIn):
    e = duty.duty_log(actor=request.user, shift_id=shift_id, text=payload.text)
    return Status(201, {"id": e.pk})


@router.post("/duty/log/{int:entry_id}/promote", response={200: dict, **ERRORS})
def duty_promote(request, entry_id: int):
    e = duty.duty_log_promote(actor=request.user, entry_id=entry_id)
    return {"id": e.pk, "significant": e.significant}


# ---------------------------------------------------------------- supervision and accountability


class FindingIn(Schema):
    target_kind: str  # task | checkpoint | report | unit | jurisdiction
    target_id: int
    text: str


class OutcomeOut(Schema):
    id: int
    kind: str
    state: str
    proposed_by: str
    decided_by: str | None


class SupervisionFindingOut(Schema):
    id: int
    target_kind: str
    target_id: int
    answerable: str
    text: str
    found_at: datetime
    outcomes: list[OutcomeOut]


def _outcome(o) -> dict:
    return {
        "id": o.pk,
        "kind": o.kind,
        "state": o.state,
        "proposed_by": o.proposed_by.get_username(),
        "decided_by": o.decided_by.get_username() if o.decided_by else None,
    }


def _finding(f) -> dict:
    return {
        "id": f.pk,
        "target_kind": f.target_kind,
        "target_id": f.target_id,
        "answerable": (f.unit or f.jurisdiction).name if (f.unit or f.jurisdiction) else "",
        "text": f.text,
        "found_at": f.found_at,
        "outcomes": [_outcome(o) for o in f.outcomes.all()],
    }


@router.post("/supervision/findings", response={201: SupervisionFindingOut, **ERRORS})
def finding_create(request, payload: FindingIn):
    f = supervision.finding_record(actor=request.user, **payload.dict())
    return Status(201, _finding(f))


@router.get("/supervision/findings", response={200: list[SupervisionFindingOut], **ERRORS})
def finding_list(request):
    return [_finding(f) for f in supervision.findings_visible(user=request.user)[:200]]


class SupervisionOutcomeIn(Schema):
    kind: str  # reminder | criticism | accountability
    note: str = ""


@router.post("/supervision/findings/{int:finding_id}/outcomes", response={201: OutcomeOut, **ERRORS})
def outcome_create(request, finding_id: int, payload: SupervisionOutcomeIn):
    return Status(
        201, _outcome(supervision.outcome_propose(actor=request.user, finding_id=finding_id, **payload.dict()))
    )


class OutcomeDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/supervision/outcomes/{int:outcome_id}/decide", response={200: OutcomeOut, **ERRORS})
def outcome_decide(request, outcome_id: int, payload: OutcomeDecisionIn):
    """A second person approves or rejects; 403 for whoever proposed it."""
    return _outcome(supervision.outcome_decide(actor=request.user, outcome_id=outcome_id, **payload.dict()))


class RecordItem(Schema):
    at: datetime | None
    who: str  # masked for violations
    what: str
    outcome: str


class RecordOut(Schema):
    findings: list[SupervisionFindingOut]
    pass_requests: int  # requests by its people to pass a checkpoint unregistered (screening)
    violations: int  # its people's unreported exits (screening)
    pass_request_items: list[RecordItem]
    violation_items: list[RecordItem]


@router.get("/supervision/record", response={200: RecordOut, **ERRORS})
def unit_record(request, unit_id: int | None = None, jurisdiction_id: int | None = None):
    r = supervision.unit_record(user=request.user, unit_id=unit_id, jurisdiction_id=jurisdiction_id)
    return {
        "findings": [_finding(f) for f in r.findings],
        "pass_requests": r.pass_requests,
        "violations": r.violations,
        "pass_request_items": [
            {
                "at": p.at,
                "who": f"{p.requester_name} ({p.requester_post or p.requester_unit_name})",
                "what": p.checkpoint.name,
                "outcome": p.outcome,
            }
            for p in r.pass_request_list
        ],
        "violation_items": [
            {"at": v.at, "who": f"{v.person.name[:1]}*", "what": v.explanation, "outcome": v.outcome}
            for v in r.violation_list
        ],
    }


# ---------------------------------------------------------------- incident fast reports


class IncidentIn(Schema):
    title: str
    level: str  # I | II | III | IV (data: /incidents/levels)
    occurred_at: Moment
    known_at: Moment | None = None
    jurisdiction_id: int
    text: str  # the initial written report


class IncidentOut(Schema):
    id: int
    title: str
    level: str
    occurred_at: datetime
    reports: int
    closed: bool
    initial_late_minutes: int
    next_due: datetime | None
    minutes_left: int | None  # the countdown; negative: late


def _incident(i) -> dict:
    return {
        "id": i.pk,
        "title": i.title,
        "level": i.level.code,
        "occurred_at": i.occurred_at,
        "reports": len(i.reports.all()),
        **incidents.timing(i),
    }


class IncidentLevelIO(Schema):
    code: str
    name: str
    initial_minutes: int
    followup_hours: int
    rank: int = 4


@router.get("/incidents/levels", response={200: list[IncidentLevelIO], **ERRORS})
def incident_levels(request):
    return list(IncidentLevel.objects.all())


@router.put("/incidents/levels/{code}", response={200: IncidentLevelIO, **ERRORS})
def incident_level_put(request, code: str, payload: IncidentLevelIO):
    """District HQ sets an event level's time limits (configurable; by default a written report within an hour)."""
    return incidents.level_update(actor=request.user, **{**payload.dict(), "code": code})


@router.post("/incidents", response={201: IncidentOut, **ERRORS})
def incident_create(request, payload: IncidentIn):
    return Status(201, _incident(incidents.incident_report_initial(actor=request.user, **payload.dict())))


class IncidentReportIn(Schema):
    kind: str  # followup | final
    text: str


@router.post("/incidents/{int:incident_id}/reports", response={201: IncidentOut, **ERRORS})
def incident_report(request, incident_id: int, payload: IncidentReportIn):
    r = incidents.incident_report_add(actor=request.user, incident_id=incident_id, **payload.dict())
    return Status(201, _incident(r.incident))


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS})
def incident_list(request):
    return [_incident(i) for i in incidents.incidents_visible(user=request.user).prefetch_related("reports")[:200]]


# ---------------------------------------------------------------- responsibility chain


class ChainLevelOut(Schema):
    party: str  # territorial | industry | unit | individual
    where: str
    people: list[str]


@router.get("/responsibility", response={200: list[ChainLevelOut], **ERRORS})
def responsibility(request, kind: str, id: int):
    """Who answers for a task, zone, checkpoint or enterprise at each level (三级书记, 四方责任)."""
    return [lv.__dict__ for lv in chain.chain(user=request.user, kind=kind, object_id=id)]


# ---------------------------------------------------------------- daily situation report


class SectionOut(Schema):
    id: int
    key: str
    title: str
    figures: list[list[Any]]
    text: str
    approved: bool
    written_by: str | None = None  # the latest text's author
    written_at: datetime | None = None


def _section(s) -> dict:
    return {
        "id": s.pk,
        "key": s.key,
        "title": s.title,
        "figures": s.figures,
        "text": s.text,
        "approved": s.approved_at is not None,
        "written_by": s.written_by.get_username() if s.written_by_id else None,
        "written_at": s.written_at,
    }


class SituationOut(Schema):
    id: int
    day: date
    state: str
    sections: list[SectionOut]


def _situation(r) -> dict:
    return {
        "id": r.pk,
        "day": r.day,
        "state": r.state,
        "sections": [_section(s) for s in r.sections.select_related("written_by")],
    }


class CompileIn(Schema):
    day: Day | None = None


@router.post("/situation-reports", response={201: SituationOut, **ERRORS})
def situation_create(request, payload: CompileIn):
    """Compile (or recompile) a day's report from every module (district HQ)."""
    return Status(201, _situation(situation.situation_compile(actor=request.user, day=payload.day)))


@router.get("/situation-reports/{int:report_id}", response={200: SituationOut, **ERRORS})
def situation_get(request, report_id: int):
    return _situation(situation.report_get(user=request.user, report_id=report_id))


class SectionTextIn(Schema):
    text: str


@router.post("/situation-reports/sections/{int:section_id}/text", response={200: SectionOut, **ERRORS})
def section_text(request, section_id: int, payload: SectionTextIn):
    """A contributor's words for a section: each save is a version, with its author (an approval lapses)."""
    return _section(situation.section_write(actor=request.user, section_id=section_id, text=payload.text))


class SectionVersionOut(Schema):
    number: int
    text: str
    written_by: str
    written_at: datetime


@router.get("/situation-reports/sections/{int:section_id}/versions", response={200: list[SectionVersionOut], **ERRORS})
def section_versions(request, section_id: int):
    """Every text the section was given, newest first, with who wrote it and when."""
    return [
        {"number": v.number, "text": v.text, "written_by": v.written_by.get_username(), "written_at": v.written_at}
        for v in situation.section_versions(user=request.user, section_id=section_id)
    ]


@router.post("/situation-reports/sections/{int:section_id}/approve", response={200: SectionOut, **ERRORS})
def section_approve(request, section_id: int):
    return _section(situation.section_approve(actor=request.user, section_id=section_id))


@router.post("/situation-reports/{int:report_id}/publish", response={200: SituationOut, **ERRORS})
def situation_publish(request, report_id: int):
    """Publish once every section is approved."""
    return _situation(situation.situation_publish(actor=request.user, report_id=report_id))
