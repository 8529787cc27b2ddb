"""Supervision: findings, proposed outcomes decided by another, a unit's record."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from .. import supervision
from . import ERRORS, router

# ---------------------------------------------------------------- supervision and accountability


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
def finding_create(request, payload: supervision.FindingRecordInput):
    f = supervision.finding_record(actor=request.user, **payload.dict())
    return Status(201, _finding(f))


@router.get("/supervision/findings", response={200: list[SupervisionFindingOut], **ERRORS})
def finding_list(request):
    return [_finding(f) for f in supervision.findings_visible(user=request.user)[:200]]


@router.post("/supervision/findings/{int:finding_id}/outcomes", response={201: OutcomeOut, **ERRORS})
def outcome_create(request, finding_id: int, payload: supervision.OutcomeProposeInput):
    return Status(
        201, _outcome(supervision.outcome_propose(actor=request.user, finding_id=finding_id, **payload.dict()))
    )


@router.post("/supervision/outcomes/{int:outcome_id}/decide", response={200: OutcomeOut, **ERRORS})
def outcome_decide(request, outcome_id: int, payload: supervision.OutcomeDecideInput):
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
