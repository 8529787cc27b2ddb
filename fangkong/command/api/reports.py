"""Reports up the chain: templates as data, who owes what, submissions and completeness."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Schema, Status

from fangkong.core.dates import Day

from .. import reporting
from . import ERRORS, router

# ---------------------------------------------------------------- information reporting


class TemplateOut(Schema):
    id: int
    name: str
    schedule: str
    due_time: time
    fields: list[dict[str, Any]]


@router.post("/report-templates", response={201: TemplateOut, **ERRORS})
def template_create(request, payload: reporting.TemplateCreateInput):
    t = reporting.template_create(actor=request.user, **payload.dict())
    return Status(201, {"id": t.pk, "name": t.name, "schedule": t.schedule, "due_time": t.due_time, "fields": t.fields})


@router.post("/report-templates/{int:template_id}/assign", response={200: dict, **ERRORS})
def template_assign(request, template_id: int, payload: reporting.TemplateAssignInput):
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


class SubmissionOut(Schema):
    id: int
    period: date
    zero: bool
    late: bool


@router.post("/reports", response={201: SubmissionOut, **ERRORS})
def report_create(request, payload: reporting.ReportSubmitInput):
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
