"""Checkpoints: their shifts, passages (idempotent, for scanners) and requests to pass unregistered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate
from fangkong.core.dates import Moment
from fangkong.registry.api import Ref

from .. import checkpoints as checkpoint_services
from .. import selectors
from ..models import Passage
from ..passages import PassageInput, passage_register, passage_reply, traveller_ref
from . import ERRORS, _ref, router

# ---------------------------------------------------------------- checkpoints and passages


class CheckpointOut(Schema):
    id: int
    name: str
    location: str
    responsible_unit: Ref


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    count: int


@router.get("/checkpoints", response=CheckpointPage)
def checkpoint_list(request):
    """The checkpoints you may work at."""
    items = [
        {"id": c.pk, "name": c.name, "location": c.location, "responsible_unit": _ref(c.responsible_unit)}
        for c in selectors.checkpoints_workable(user=request.user)
    ]
    return {"items": items, "count": len(items)}


class CheckpointShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    leader: str
    staff: list[str]


def _shift(shift) -> dict:
    return {
        "id": shift.pk,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "leader": shift.leader.get_username() if shift.leader else "",
        "staff": sorted(u.get_username() for u in shift.staff.all()),
    }


@router.get("/checkpoints/{int:checkpoint_id}/shifts", response={200: list[CheckpointShiftOut], **ERRORS})
def shift_list(request, checkpoint_id: int, days: int = 7):
    """Shifts from now on (and the current one) for `days` days, for those who manage the checkpoint."""
    checkpoint = checkpoint_services.checkpoint_managed(actor=request.user, checkpoint_id=checkpoint_id)
    return [_shift(s) for s in checkpoint_services.shifts_ahead(checkpoint, days=days)]


@router.post("/checkpoints/{int:checkpoint_id}/shifts", response={201: CheckpointShiftOut, **ERRORS})
def shift_create(request, checkpoint_id: int, payload: checkpoint_services.ShiftCreateInput):
    """Put staff of this checkpoint on duty, with a leader, for a period."""
    shift = checkpoint_services.shift_create(actor=request.user, checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, _shift(shift))


class CheckpointStateOut(Schema):
    id: int
    active: bool


@router.post("/checkpoints/{int:checkpoint_id}/close", response={200: CheckpointStateOut, **ERRORS})
def checkpoint_close(request, checkpoint_id: int, payload: checkpoint_services.CheckpointCloseInput):
    """Close a checkpoint (its manager, with the reason): registrations there stop at once."""
    c = checkpoint_services.checkpoint_close(actor=request.user, checkpoint_id=checkpoint_id, **payload.dict())
    return {"id": c.pk, "active": c.active}


@router.post("/checkpoints/{int:checkpoint_id}/reopen", response={200: CheckpointStateOut, **ERRORS})
def checkpoint_reopen(request, checkpoint_id: int):
    c = checkpoint_services.checkpoint_reopen(actor=request.user, checkpoint_id=checkpoint_id)
    return {"id": c.pk, "active": c.active}


class TravellerRef(Schema):
    id: int | None = None  # only where the caller's jurisdiction holds the passage
    name: str  # the register's there; elsewhere the name as typed at the checkpoint, masked (李*)
    document_number: str


class PassageReply(Schema):
    id: int
    instruction: str
    instruction_text: str
    rule: str
    rule_code: str
    followed_up_by: str | None  # the destination community that follows a risk arrival up
    followup_id: int | None  # a risk arrival's case (new, or the one still open)
    violation_id: int | None  # an unreported exit's: only where the caller's jurisdiction holds it
    person: TravellerRef


@router.post("/checkpoints/{int:checkpoint_id}/passages", response={201: PassageReply, 200: PassageReply, **ERRORS})
def passage_create(request, checkpoint_id: int, payload: PassageInput):
    """Register a passage. `Idempotency-Key` is required: a retry with the same key and body replays the first
    answer with 200; the same key with another body is 409. The answer says what to do and which rule decided."""

    def run():
        result = passage_register(actor=request.user, checkpoint_id=checkpoint_id, data=payload)
        return 201, passage_reply(request.user, result)

    return Status(
        *idempotent(
            request, f"passages:{checkpoint_id}", run, replay_status=200, fingerprint=request.body, required=True
        )
    )


class PassageOut(Schema):
    id: int
    at: datetime
    direction: str
    checkpoint: Ref
    person: TravellerRef
    origin: str
    visited: list[str]
    destination_community: Ref | None
    plate: str
    temperature: float | None
    instruction: str
    rule: str


class PassagePage(Schema):
    items: list[PassageOut]
    count: int


def passage_out(p: Passage, traveller: Callable[[Passage], dict]) -> dict:
    return {
        "id": p.pk,
        "at": p.at,
        "direction": p.direction,
        "checkpoint": _ref(p.checkpoint),
        "person": traveller(p),
        "origin": p.origin,
        "visited": p.visited,
        "destination_community": _ref(p.destination_community),
        "plate": p.plate,
        "temperature": p.temperature,
        "instruction": p.instruction,
        "rule": p.rule_text,
    }


@router.get("/passages", response=PassagePage)
def passage_list(
    request,
    checkpoint: int | None = None,
    direction: str = "",
    since: Moment | None = None,
    until: Moment | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    qs = selectors.passages_visible(user=request.user).select_related("risk_area")
    if checkpoint:
        qs = qs.filter(checkpoint_id=checkpoint)
    if direction:
        qs = qs.filter(direction=direction)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    items, count = paginate(qs, page, page_size)
    traveller = traveller_ref(request.user)
    return {"items": [passage_out(p, traveller) for p in items], "count": count}


class PassRequestOut(Schema):
    id: int
    at: datetime
    checkpoint: Ref
    requester_name: str
    requester_unit_name: str
    requester_post: str
    plate: str
    outcome: str
    note: str


@router.post("/checkpoints/{int:checkpoint_id}/pass-requests", response={201: PassRequestOut, **ERRORS})
def pass_request_create(request, checkpoint_id: int, payload: checkpoint_services.PassRequestRecordInput):
    """Record that someone asked to be let through unregistered (and what the staff did)."""
    record = checkpoint_services.pass_request_record(actor=request.user, checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, _pass_request(record))


def _pass_request(r) -> dict:
    return {
        "id": r.pk,
        "at": r.at,
        "checkpoint": _ref(r.checkpoint),
        "requester_name": r.requester_name,
        "requester_unit_name": r.requester_unit_name,
        "requester_post": r.requester_post,
        "plate": r.plate,
        "outcome": r.outcome,
        "note": r.note,
    }


class PassRequestPage(Schema):
    items: list[PassRequestOut]
    count: int
    by_unit: list[dict]


@router.get("/pass-requests", response=PassRequestPage)
def pass_request_list(request, page: int = 1, page_size: int | None = None):
    """For discipline inspection: every request to pass unregistered, with counts per requesting unit."""
    qs = selectors.pass_requests_visible(user=request.user)
    items, count = paginate(qs, page, page_size)
    return {"items": [_pass_request(r) for r in items], "count": count, "by_unit": selectors.pass_request_counts(qs)}
