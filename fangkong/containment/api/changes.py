"""Manual status changes and appeals."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.core.forms import NoteInput
from fangkong.registry.api import PersonRef, person_ref

from .. import changes, selectors
from . import ERRORS, router


class ChangeOut(Schema):
    id: int
    person: PersonRef
    colour: str
    basis: str
    expires_at: datetime
    state: str
    requested_by: str
    decided_by: str | None
    notice: str
    revoke_requested_by: str | None = None  # a revocation awaiting a second officer


def _change(c) -> dict:
    return {
        "id": c.pk,
        "person": person_ref(c.person),
        "colour": c.colour,
        "basis": c.basis,
        "expires_at": c.expires_at,
        "state": c.state,
        "requested_by": c.requested_by.get_username(),
        "decided_by": c.decided_by.get_username() if c.decided_by else None,
        "notice": c.notice,
        "revoke_requested_by": c.revoke_requested_by.get_username() if c.revoke_requested_by_id else None,
    }


@router.post("/status-changes", response={201: ChangeOut, **ERRORS})
def change_create(request, payload: changes.StatusChangeRequestInput):
    """Ask for a manual change: a legal basis and an expiry (at most 30 days); pending until a second person
    approves."""
    return Status(201, _change(changes.status_change_request(actor=request.user, **payload.dict())))


class BulkItemIn(Schema):
    person_id: int
    basis: str
    record: str  # the record concerning this person: "case:12", "contact:5", "followup:34", "recall:7"


class BulkChangeIn(Schema):
    colour: str
    expires_at: datetime | None = None
    items: list[BulkItemIn]


@router.post("/status-changes:bulk", response={201: list[ChangeOut], **ERRORS})
def change_create_bulk(request, payload: BulkChangeIn):
    """Several people, each with their own basis and a record concerning them; refused whole otherwise."""
    items = [changes.BulkItem(**i.dict()) for i in payload.items]
    created = changes.status_changes_request_bulk(
        actor=request.user, colour=payload.colour, expires_at=payload.expires_at, items=items
    )
    return Status(201, [_change(c) for c in created])


class ChangePage(Schema):
    items: list[ChangeOut]
    count: int


@router.get("/status-changes", response={200: ChangePage, **ERRORS})
def change_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    items, count = paginate(selectors.changes_visible(user=request.user, state=state), page, page_size)
    return {"items": [_change(c) for c in items], "count": count}


@router.post("/status-changes/{int:change_id}/approve", response={200: ChangeOut, **ERRORS})
def change_approve(request, change_id: int, payload: NoteInput | None = None):
    """Apply the change (a second person; 403 for the requester); the person gets the notice."""
    note = payload.note if payload else ""
    return _change(changes.status_change_approve(actor=request.user, change_id=change_id, note=note))


@router.post("/status-changes/{int:change_id}/reject", response={200: ChangeOut, **ERRORS})
def change_reject(request, change_id: int, payload: NoteInput):
    return _change(changes.status_change_reject(actor=request.user, change_id=change_id, note=payload.note))


@router.post("/status-changes/{int:change_id}/revoke", response={200: ChangeOut, **ERRORS})
def change_revoke(request, change_id: int, payload: NoteInput):
    """Revoke an applied change: the first officer asks (with the reason; `revoke_requested_by` is set and the
    change stays applied), a second officer confirms with the same call and it is revoked."""
    return _change(changes.status_change_revoke(actor=request.user, change_id=change_id, note=payload.note))


@router.post("/status-changes/{int:change_id}/revoke/reject", response={200: ChangeOut, **ERRORS})
def change_revoke_reject(request, change_id: int, payload: NoteInput):
    """A second officer declines a requested revocation (with the reason): the change stays in force."""
    return _change(changes.status_change_revoke_reject(actor=request.user, change_id=change_id, note=payload.note))


class AppealOut(Schema):
    id: int
    change_id: int
    state: str
    text: str
    decision_note: str


def _appeal(a) -> dict:
    return {"id": a.pk, "change_id": a.change_id, "state": a.state, "text": a.text, "decision_note": a.decision_note}


@router.post("/status-changes/{int:change_id}/appeals", response={201: AppealOut, **ERRORS})
def appeal_create(request, change_id: int, payload: changes.AppealFileInput):
    """An appeal written down for the person by staff (residents appeal from the portal)."""
    return Status(201, _appeal(changes.appeal_file(actor=request.user, change_id=change_id, text=payload.text)))


@router.post("/appeals/{int:appeal_id}/decide", response={200: AppealOut, **ERRORS})
def appeal_decide(request, appeal_id: int, payload: changes.AppealDecideInput):
    """Decided by someone who took no part in the change; upheld revokes it."""
    return _appeal(
        changes.appeal_decide(actor=request.user, appeal_id=appeal_id, upheld=payload.upheld, note=payload.note)
    )
