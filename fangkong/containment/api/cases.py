"""Confirmed cases, close contacts, isolation sites and transfers."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status

from fangkong.core import pii
from fangkong.core.api import idempotent, paginate
from fangkong.core.forms import NoteInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.api import PersonRef, person_ref
from fangkong.registry.selectors import narrowed

from .. import cases, transfers
from . import ERRORS, router


class ContactFollowupOut(Schema):
    """How the contact is managed: the protocol's days from the last exposure, the loop in their community."""

    id: int | None
    community_id: int | None
    test_days: list[int]
    test_dates: list[date]
    central_until: datetime
    release_at: datetime
    contact_due_at: datetime | None
    contacted_at: datetime | None
    state: str | None


class ContactOut(Schema):
    id: int
    case_id: int
    person_id: int
    person: PersonRef
    kind: str
    exposure: str
    last_exposure_at: datetime
    last_contact_at: datetime
    note: str
    state: str  # managed | released | handed_over
    released_at: datetime | None
    released_early: bool
    handed_over_to: str
    handed_over_at: datetime | None
    followup: ContactFollowupOut | None


class CaseOut(Schema):
    id: int
    person: PersonRef
    classification: str
    onset_date: date | None
    confirmed_at: datetime
    source: str
    reference: str
    outcome: str
    workplace_id: int | None
    source_case_id: int | None
    source_certainty: str
    cluster_id: int | None
    released_at: datetime | None


class CaseDetailOut(CaseOut):
    contacts: list[ContactOut]


def _masked(person) -> dict:
    """A case or contact as the case pages show them: the name masked too (the epidemiologist works by case number;
    the person's own page, in their reach, has the name)."""
    return {**person_ref(person), "name": pii.mask_name(person.name)}


def _case(c) -> dict:
    return {
        "id": c.pk,
        "person": _masked(c.person),
        "classification": c.classification,
        "onset_date": c.onset_date,
        "confirmed_at": c.confirmed_at,
        "source": c.source,
        "reference": c.reference,
        "outcome": c.outcome,
        "workplace_id": c.workplace_id,
        "source_case_id": c.source_case_id,
        "source_certainty": c.source_certainty,
        "cluster_id": c.cluster_id,
        "released_at": c.released_at,
    }


def _contact_state(c) -> str:
    return "released" if c.released_at else "handed_over" if c.handed_over_at else "managed"


def _contact(c) -> dict:
    f = c.followup
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "person_id": c.person_id,
        "person": _masked(c.person),
        "kind": c.kind,
        "exposure": c.exposure,
        "last_exposure_at": c.last_contact_at,
        "last_contact_at": c.last_contact_at,
        "note": c.note,
        "state": _contact_state(c),
        "released_at": c.released_at,
        "released_early": c.released_early,
        "handed_over_to": c.handed_over_to,
        "handed_over_at": c.handed_over_at,
        # A contact handed over to another district is not followed up here.
        "followup": None
        if c.handed_over_at
        else {
            "id": f.pk if f else None,
            "community_id": f.community_id if f else None,
            "test_days": c.test_days,
            "test_dates": [d for _day, d in c.test_dates()],
            "central_until": c.central_until,
            "release_at": c.release_at,
            "contact_due_at": f.contact_due_at if f else None,
            "contacted_at": f.contacted_at if f else None,
            "state": f.state if f else None,
        },
    }


def _detail(c) -> dict:
    contacts = c.contacts.select_related("person", "followup").order_by("recorded_at", "pk")
    return {**_case(c), "contacts": [_contact(x) for x in contacts]}


class CasePage(Schema):
    items: list[CaseOut]
    count: int


@router.get("/cases", response={200: CasePage, **ERRORS})
def case_list(
    request,
    classification: str = "",
    state: str = "",
    source_unknown: bool = False,
    jurisdiction: int | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    """The cases in the caller's reach, newest first: by classification, open or released, source unknown, and
    under a street or community (`jurisdiction`)."""
    qs = cases.cases_visible(
        user=request.user, classification=classification, state=state, source_unknown=source_unknown
    )
    qs, _within = narrowed(qs, user=request.user, cap=Cap.CASE_WORK, params={"jurisdiction": str(jurisdiction or "")})
    items, count = paginate(qs, page, page_size)
    return {"items": [_case(c) for c in items], "count": count}


@router.post("/cases", response={201: CaseDetailOut, **ERRORS})
def case_create(request, payload: cases.CaseRecordInput):
    """Record a case by hand, with where it was found and its source (results from testing arrive by themselves)."""
    return Status(201, _detail(cases.case_record(actor=request.user, **payload.dict())))


@router.get("/cases/{int:case_id}", response={200: CaseDetailOut, **ERRORS})
def case_detail(request, case_id: int):
    return _detail(cases.case_get(user=request.user, case_id=case_id))


@router.patch("/cases/{int:case_id}", response={200: CaseDetailOut, **ERRORS})
def case_update(request, case_id: int, payload: cases.CaseUpdateInput):
    """Change the classification, onset, outcome or workplace (each change audited)."""
    return _detail(cases.case_update(actor=request.user, case_id=case_id, **payload.dict()))


@router.put("/cases/{int:case_id}/source", response={200: CaseDetailOut, **ERRORS})
def case_source(request, case_id: int, payload: cases.CaseSourceInput):
    """Link the source case (known or suspected), or mark it unknown; a cycle is refused."""
    return _detail(cases.case_source_set(actor=request.user, case_id=case_id, **payload.dict()))


@router.post("/cases/{int:case_id}/release", response={200: CaseDetailOut, **ERRORS})
def case_release(request, case_id: int, payload: NoteInput):
    return _detail(cases.case_release(actor=request.user, case_id=case_id, note=payload.note))


@router.post("/cases/{int:case_id}/contacts", response={201: ContactOut, **ERRORS})
def contact_create(request, case_id: int, payload: cases.ContactAddInput):
    """A contact of the case, managed from now by the district's protocol (`followup`: test days, release)."""
    return Status(201, _contact(cases.contact_add(actor=request.user, case_id=case_id, **payload.dict())))


@router.post("/cases/{int:case_id}/contacts/{int:contact_id}/release", response={200: ContactOut, **ERRORS})
def contact_release(request, case_id: int, contact_id: int, payload: cases.ContactReleaseInput):
    """Release at the protocol's end with the tests negative, or early (`early`) with the reason."""
    contact = cases.case_contact(user=request.user, case_id=case_id, contact_id=contact_id)
    return _contact(cases.contact_release(actor=request.user, contact_id=contact.pk, **payload.dict()))


@router.post("/cases/{int:case_id}/contacts/{int:contact_id}/hand-over", response={200: ContactOut, **ERRORS})
def contact_hand_over(request, case_id: int, contact_id: int, payload: cases.ContactHandOverInput):
    """Handed over to another district or authority: to whom and when; no follow-up here any longer."""
    contact = cases.case_contact(user=request.user, case_id=case_id, contact_id=contact_id)
    return _contact(cases.contact_hand_over(actor=request.user, contact_id=contact.pk, **payload.dict()))


class ContactProtocolOut(Schema):
    kind: str
    central_days: int
    home_days: int
    test_days: list[int]
    version: int


def _protocol(p) -> dict:
    return {
        "kind": p.kind,
        "central_days": p.central_days,
        "home_days": p.home_days,
        "test_days": p.test_days,
        "version": p.version,
    }


@router.get("/contact-protocol", response={200: list[ContactProtocolOut], **ERRORS})
def contact_protocol(request):
    """How close and secondary contacts are managed, counted from the last exposure (the district's data)."""
    if not has_cap(request.user, Cap.CASE_WORK):
        raise Forbidden(Cap.CASE_WORK)
    return [_protocol(p) for p in cases.contact_protocols()]


@router.put("/contact-protocol/{kind}", response={200: ContactProtocolOut, **ERRORS})
def contact_protocol_update(request, kind: str, payload: cases.ContactProtocolInput):
    """Change the protocol of a kind of contact (HQ); contacts recorded from now on follow it."""
    return _protocol(cases.contact_protocol_update(actor=request.user, kind=kind, **payload.dict()))


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
