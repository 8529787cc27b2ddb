"""Travel reports (离盘报备) with their decisions, and violations."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.core.errors import Code, FieldError
from fangkong.registry.api import PersonRef, Ref, person_ref

from .. import selectors, travel
from ..models import TravelReport, Violation
from . import ERRORS, _ref, router

# ---------------------------------------------------------------- travel reports and violations


class TravelOut(Schema):
    id: int
    person: PersonRef
    destination: str
    depart_on: date
    return_on: date
    reason: str
    transport: str
    approval: str
    community_acknowledged: bool
    employer_acknowledged: bool
    cancelled: bool


class TravelPage(Schema):
    items: list[TravelOut]
    count: int


def travel_out(r: TravelReport) -> dict:
    return {
        "id": r.pk,
        "person": person_ref(r.person),
        "destination": r.destination,
        "depart_on": r.depart_on,
        "return_on": r.return_on,
        "reason": r.reason,
        "transport": r.transport,
        "approval": r.approval,
        "community_acknowledged": r.community_ack_at is not None,
        "employer_acknowledged": r.employer_ack_at is not None,
        "cancelled": r.cancelled_at is not None,
    }


@router.get("/travel-reports", response=TravelPage)
def travel_list(request, approval: str = "", page: int = 1, page_size: int | None = None):
    qs = selectors.travel_reports_visible(user=request.user)
    if approval:
        qs = qs.filter(approval=approval)
    items, count = paginate(qs, page, page_size)
    return {"items": [travel_out(r) for r in items], "count": count}


@router.post("/travel-reports", response={201: TravelOut, **ERRORS})
def travel_create(request, payload: travel.TravelReportFileInput):
    """File a trip for a person you answer for: by `person` id (community) or document number (employer HR)."""
    if payload.person is None and not payload.document_number:
        raise FieldError("document_number", "Give the person's id or document number.", code=Code.REQUIRED)
    person = travel.person_for_report(
        actor=request.user,
        person_id=payload.person,
        document_type=payload.document_type,
        document_number=payload.document_number,
    )
    report = travel.travel_report_file(actor=request.user, person=person, **payload.trip())
    return Status(201, travel_out(report))


@router.post("/travel-reports/{int:report_id}/acknowledge", response={200: TravelOut, **ERRORS})
def travel_acknowledge(request, report_id: int):
    return travel_out(travel.travel_report_acknowledge(actor=request.user, report_id=report_id))


@router.post("/travel-reports/{int:report_id}/decide", response={200: TravelOut, **ERRORS})
def travel_decide(request, report_id: int, payload: travel.TravelReportDecideInput):
    """A public official's trip: approved or rejected (with a reason) by a leader of their unit."""
    return travel_out(travel.travel_report_decide(actor=request.user, report_id=report_id, **payload.dict()))


@router.post("/travel-reports/{int:report_id}/cancel", response={200: TravelOut, **ERRORS})
def travel_cancel(request, report_id: int):
    return travel_out(travel.travel_report_cancel(actor=request.user, report_id=report_id))


class ViolationOut(Schema):
    id: int
    person: PersonRef
    at: datetime
    checkpoint: Ref
    community: Ref | None
    unit: Ref | None
    explanation: str
    outcome: str


class ViolationPage(Schema):
    items: list[ViolationOut]
    count: int
    by_unit: list[dict]
    by_community: list[dict]


def violation_out(v: Violation) -> dict:
    return {
        "id": v.pk,
        "person": person_ref(v.person),
        "at": v.at,
        "checkpoint": _ref(v.checkpoint),
        "community": _ref(v.community),
        "unit": _ref(v.unit),
        "explanation": v.explanation,
        "outcome": v.outcome,
    }


@router.get("/violations", response=ViolationPage)
def violation_list(request, outcome: str = "", page: int = 1, page_size: int | None = None):
    """Unreported exits, with counts per unit and per community."""
    qs = selectors.violations_visible(user=request.user)
    if outcome:
        qs = qs.filter(outcome=outcome)
    items, count = paginate(qs, page, page_size)
    by_unit, by_community = selectors.violation_counts(qs)
    return {
        "items": [violation_out(v) for v in items],
        "count": count,
        "by_unit": by_unit,
        "by_community": by_community,
    }


@router.post("/violations/{int:violation_id}/explain", response={200: ViolationOut, **ERRORS})
def violation_explain(request, violation_id: int, payload: travel.ViolationExplainInput):
    return violation_out(
        travel.violation_explain(actor=request.user, violation_id=violation_id, explanation=payload.explanation)
    )


@router.post("/violations/{int:violation_id}/handle", response={200: ViolationOut, **ERRORS})
def violation_handle(request, violation_id: int, payload: travel.ViolationHandleInput):
    return violation_out(
        travel.violation_handle(actor=request.user, violation_id=violation_id, outcome=payload.outcome)
    )
