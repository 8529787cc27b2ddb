"""Confirmed cases, close contacts, isolation sites and transfers."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate
from fangkong.core.dates import Moment
from fangkong.core.forms import NoteInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.api import PersonRef, person_ref

from .. import cases, transfers
from . import ERRORS, router


class CaseIn(Schema):
    person_id: int
    reference: str = ""


class CaseOut(Schema):
    id: int
    person: PersonRef
    confirmed_at: datetime
    source: str
    reference: str
    released_at: datetime | None


def _case(c) -> dict:
    return {
        "id": c.pk,
        "person": person_ref(c.person),
        "confirmed_at": c.confirmed_at,
        "source": c.source,
        "reference": c.reference,
        "released_at": c.released_at,
    }


@router.post("/cases", response={201: CaseOut, **ERRORS})
def case_create(request, payload: CaseIn):
    """Record a confirmed case (results from testing arrive by themselves)."""
    return Status(
        201,
        _case(
            cases.case_confirm(
                actor=request.user, person_id=payload.person_id, source="manual", reference=payload.reference
            )
        ),
    )


@router.post("/cases/{int:case_id}/release", response={200: CaseOut, **ERRORS})
def case_release(request, case_id: int, payload: NoteInput):
    return _case(cases.case_release(actor=request.user, case_id=case_id, note=payload.note))


class ContactIn(Schema):
    person_id: int
    last_contact_at: Moment
    note: str = ""


class ContactOut(Schema):
    id: int
    case_id: int
    person_id: int
    last_contact_at: datetime


@router.post("/cases/{int:case_id}/contacts", response={201: ContactOut, **ERRORS})
def contact_create(request, case_id: int, payload: ContactIn):
    contact = cases.contact_add(actor=request.user, case_id=case_id, **payload.dict())
    return Status(
        201,
        {
            "id": contact.pk,
            "case_id": contact.case_id,
            "person_id": contact.person_id,
            "last_contact_at": contact.last_contact_at,
        },
    )


class IsolationSiteOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    occupied: int


@router.get("/isolation-sites", response={200: list[IsolationSiteOut], **ERRORS})
def isolation_sites(request):
    """Designated hospitals and isolation sites with their beds taken (received or on the way)."""
    if not (has_cap(request.user, Cap.CASE_WORK) or has_cap(request.user, Cap.TRANSFER_WORK)):
        raise Forbidden(Cap.CASE_WORK)
    return [
        {"id": s.pk, "name": s.name, "kind": s.kind, "capacity": s.capacity, "occupied": n}
        for s, n in transfers.sites_with_occupancy()
    ]


class TransferOut(Schema):
    id: int
    person: PersonRef
    destination: str
    state: str
    pickup_address: str
    vehicle: str
    dispatched_at: datetime
    next_step: str | None
    next_due: datetime | None
    late: bool


def _transfer(t) -> dict:
    due = transfers.due_step(t)
    return {
        "id": t.pk,
        "person": person_ref(t.person),
        "destination": t.destination.name,
        "state": t.state,
        "pickup_address": t.pickup_address,
        "vehicle": t.vehicle,
        "dispatched_at": t.dispatched_at,
        "next_step": due.step if due else None,
        "next_due": due.due if due else None,
        "late": bool(due and due.late),
    }


@router.post("/transfers", response={201: TransferOut, **ERRORS})
def transfer_create(request, payload: transfers.TransferDispatchInput):
    """Dispatch a transfer for a confirmed case or a close contact; a full site refuses it."""
    return Status(201, _transfer(transfers.transfer_dispatch(actor=request.user, **payload.dict())))


@router.post("/transfers/{int:transfer_id}/steps", response={200: TransferOut, **ERRORS})
def transfer_step(request, transfer_id: int, payload: transfers.TransferStepInput):
    """The next step, in order, stamped with who and when. With an Idempotency-Key a retried step is answered
    with the first reply instead of "out of order"."""

    def run():
        t = transfers.transfer_step(actor=request.user, transfer_id=transfer_id, **payload.dict())
        return 200, _transfer(t)

    return Status(*idempotent(request, f"transfer:{transfer_id}", run, fingerprint=request.body))


class TransferPage(Schema):
    items: list[TransferOut]
    count: int


@router.get("/transfers", response={200: TransferPage, **ERRORS})
def transfer_list(request, page: int = 1, page_size: int | None = None):
    items, count = paginate(transfers.transfers_visible(user=request.user), page, page_size)
    return {"items": [_transfer(t) for t in items], "count": count}
