"""Accident reports: the initial report to the district regulator, follow-ups and the final report (the command
module's incident reports, with their time limits and countdown)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.core.scoping import NotFound

from .. import accidents
from . import ERRORS, router


class ReportOut(Schema):
    kind: str
    number: int
    at: datetime
    text: str


class AccidentOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    kind: str
    level: str  # I–IV (the incident's; from the casualties and loss)
    incident_id: int
    occurred_at: datetime
    deaths: int
    serious_injuries: int
    missing: int
    economic_loss: Decimal
    closed: bool
    initial_late_minutes: int
    next_due: datetime | None
    minutes_left: int | None  # the countdown to the next report; negative: late
    reports: list[ReportOut]


class AccidentPage(Schema):
    items: list[AccidentOut]
    count: int


def _accident(a) -> dict:
    from fangkong.incidents import services as incidents

    i = a.incident
    return {
        "id": a.pk,
        "enterprise_id": a.enterprise_id,
        "enterprise": a.enterprise.name,
        "kind": a.kind,
        "level": i.level.code,
        "incident_id": i.pk,
        "occurred_at": i.occurred_at,
        "deaths": a.deaths,
        "serious_injuries": a.serious_injuries,
        "missing": a.missing,
        "economic_loss": a.economic_loss,
        **incidents.timing(i),
        "reports": [
            {"kind": r.kind, "number": r.number, "at": r.at, "text": r.text}
            for r in sorted(i.reports.all(), key=lambda r: (r.at, r.pk))
        ],
    }


@router.post("/safety/accidents", response={201: AccidentOut, **ERRORS})
def accident_create(request, payload: accidents.AccidentReportInput):
    """The initial report (the enterprise, or a regulator on the spot); the grade follows from the casualties and
    the loss, and the regulators and district HQ are told at once."""
    return Status(201, _accident(accidents.accident_report(actor=request.user, **payload.dict())))


@router.get("/safety/accidents", response={200: AccidentPage, **ERRORS})
def accident_list(request, page: int = 1, page_size: int | None = None):
    items, count = paginate(accidents.accidents_visible(user=request.user), page, page_size)
    return {"items": [_accident(a) for a in items], "count": count}


@router.get("/safety/accidents/{int:accident_id}", response={200: AccidentOut, **ERRORS})
def accident_get(request, accident_id: int):
    a = accidents.accidents_visible(user=request.user).filter(pk=accident_id).first()
    if a is None:
        raise NotFound
    return _accident(a)


@router.post("/safety/accidents/{int:accident_id}/reports", response={201: AccidentOut, **ERRORS})
def accident_report(request, accident_id: int, payload: accidents.AccidentFollowupInput):
    """A follow-up (casualties as now known; a higher grade re-grades the incident) or, with `final`, the final
    report, which closes it."""
    a = accidents.accident_followup(actor=request.user, accident_id=accident_id, **payload.dict())
    return Status(201, _accident(accidents.accidents_visible(user=request.user).get(pk=a.pk)))
