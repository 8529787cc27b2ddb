"""Containment endpoints: the status service for scanners, zones, manual status changes and appeals, cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status

from fangkong.core.api import ErrorOut, idempotent, paginate
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.api import PersonRef, person_ref

from . import cases, changes, selectors, transfers, venues, zones
from .scanning import scan_reply, status_scan
from .status import reason_text

router = Router(tags=["containment"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class ReasonOut(Schema):
    kind: str
    colour: str
    text: str
    since: datetime | None = None


class ScanOut(Schema):
    colour: str
    action: str  # pass | check | stop
    action_text: str
    reason: str  # the strictest reason, short
    reasons: list[ReasonOut]
    since: datetime | None = None


def _reasons(status, render) -> list[dict]:
    return [
        {"kind": r["kind"], "colour": r["colour"], "text": render(r), "since": r.get("since")} for r in status.reasons
    ]


@router.get("/status/{code}", response={200: ScanOut, **ERRORS})
def status_for_scanner(request, code: str):
    """For checkpoint and venue scanners: the personal code (or a document number's keyed hash) → colour, the
    action to take and short reasons. Nothing identifies the person. Rate-limited per device (token)."""
    device = str(getattr(request, "api_token_id", request.user.pk))
    return scan_reply(status_scan(actor=request.user, code=code, device=device))


class PersonStatusOut(Schema):
    person: PersonRef
    colour: str
    since: datetime | None = None
    reasons: list[ReasonOut]
    valid_until: datetime | None = None


@router.get("/people/{int:person_id}/status", response={200: PersonStatusOut, **ERRORS})
def person_status(request, person_id: int):
    """A person's status with every reason in full, for staff whose jurisdiction holds them."""
    person, status = selectors.person_status(user=request.user, person_id=person_id)
    return {
        "person": person_ref(person),
        "colour": status.colour,
        "since": status.since,
        "reasons": _reasons(status, reason_text),
        "valid_until": status.valid_until,
    }


# ---------------------------------------------------------------- zones


class ZoneIn(Schema):
    name: str = ""
    level: str
    basis: str
    places: list[int] = []
    jurisdictions: list[int] = []
    document_number: str = ""
    starts_at: datetime | None = None
    planned_end: datetime | None = None


class ZoneOut(Schema):
    id: int
    name: str
    level: str
    colour: str
    state: str
    basis: str
    document_number: str
    starts_at: datetime
    planned_end: datetime | None
    requested_by: str
    decided_by: str | None


def _zone(z) -> dict:
    return {
        "id": z.pk,
        "name": z.name,
        "level": z.level.code,
        "colour": z.level.colour,
        "state": z.state,
        "basis": z.basis,
        "document_number": z.document_number,
        "starts_at": z.starts_at,
        "planned_end": z.planned_end,
        "requested_by": z.requested_by.get_username(),
        "decided_by": z.decided_by.get_username() if z.decided_by else None,
    }


@router.post("/zones", response={201: ZoneOut, **ERRORS})
def zone_create(request, payload: ZoneIn):
    """Propose a zone over compounds/buildings (`places`) or whole `jurisdictions`; pending until a second
    person approves it."""
    data = payload.dict()
    if not data["name"]:
        data["name"] = data["document_number"] or data["level"]
    return Status(201, _zone(zones.zone_request(actor=request.user, **data)))


class ZonePage(Schema):
    items: list[ZoneOut]
    count: int


@router.get("/zones", response={200: ZonePage, **ERRORS})
def zone_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    items, count = paginate(selectors.zones_visible(user=request.user, state=state), page, page_size)
    return {"items": [_zone(z) for z in items], "count": count}


class CriterionOut(Schema):
    code: str
    label: str
    met: bool
    detail: str


class ZoneDetailOut(ZoneOut):
    people: int
    criteria: list[CriterionOut]


@router.get("/zones/{int:zone_id}", response={200: ZoneDetailOut, **ERRORS})
def zone_detail(request, zone_id: int):
    zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    return {
        **_zone(zone),
        "people": zones.people_in_zone(zone).count(),
        "criteria": [c.__dict__ for c in zones.lifting_criteria(zone)],
    }


class DecisionIn(Schema):
    note: str = ""


class LiftIn(Schema):
    note: str = ""
    override: bool = False


@router.post("/zones/{int:zone_id}/approve", response={200: ZoneOut, **ERRORS})
def zone_approve(request, zone_id: int, payload: DecisionIn | None = None):
    """The second person: the zone comes into force and everyone inside turns its colour. 403 for the proposer."""
    note = payload.note if payload else ""
    return _zone(zones.zone_approve(actor=request.user, zone_id=zone_id, note=note))


@router.post("/zones/{int:zone_id}/reject", response={200: ZoneOut, **ERRORS})
def zone_reject(request, zone_id: int, payload: DecisionIn):
    return _zone(zones.zone_reject(actor=request.user, zone_id=zone_id, note=payload.note))


@router.post("/zones/{int:zone_id}/lift", response={200: ZoneOut, **ERRORS})
def zone_lift(request, zone_id: int, payload: LiftIn):
    """Lift when the criteria are met; `override` with a written reason lifts anyway, on the record."""
    return _zone(zones.zone_lift(actor=request.user, zone_id=zone_id, note=payload.note, override=payload.override))


# ---------------------------------------------------------------- manual status changes


class ChangeIn(Schema):
    person_id: int
    colour: str
    basis: str
    expires_at: datetime | None = None


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
    }


@router.post("/status-changes", response={201: ChangeOut, **ERRORS})
def change_create(request, payload: ChangeIn):
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
def change_approve(request, change_id: int, payload: DecisionIn | None = None):
    """Apply the change (a second person; 403 for the requester); the person gets the notice."""
    note = payload.note if payload else ""
    return _change(changes.status_change_approve(actor=request.user, change_id=change_id, note=note))


@router.post("/status-changes/{int:change_id}/reject", response={200: ChangeOut, **ERRORS})
def change_reject(request, change_id: int, payload: DecisionIn):
    return _change(changes.status_change_reject(actor=request.user, change_id=change_id, note=payload.note))


@router.post("/status-changes/{int:change_id}/revoke", response={200: ChangeOut, **ERRORS})
def change_revoke(request, change_id: int, payload: DecisionIn):
    return _change(changes.status_change_revoke(actor=request.user, change_id=change_id, note=payload.note))


class AppealIn(Schema):
    text: str


class AppealOut(Schema):
    id: int
    change_id: int
    state: str
    text: str
    decision_note: str


def _appeal(a) -> dict:
    return {"id": a.pk, "change_id": a.change_id, "state": a.state, "text": a.text, "decision_note": a.decision_note}


@router.post("/status-changes/{int:change_id}/appeals", response={201: AppealOut, **ERRORS})
def appeal_create(request, change_id: int, payload: AppealIn):
    """An appeal written down for the person by staff (residents appeal from the portal)."""
    return Status(201, _appeal(changes.appeal_file(actor=request.user, change_id=change_id, text=payload.text)))


class AppealDecisionIn(Schema):
    upheld: bool
    note: str


@router.post("/appeals/{int:appeal_id}/decide", response={200: AppealOut, **ERRORS})
def appeal_decide(request, appeal_id: int, payload: AppealDecisionIn):
    """Decided by someone who took no part in the change; upheld revokes it."""
    return _appeal(
        changes.appeal_decide(actor=request.user, appeal_id=appeal_id, upheld=payload.upheld, note=payload.note)
    )


# ---------------------------------------------------------------- cases


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
def case_release(request, case_id: int, payload: DecisionIn):
    return _case(cases.case_release(actor=request.user, case_id=case_id, note=payload.note))


class ContactIn(Schema):
    person_id: int
    last_contact_at: datetime
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


# ---------------------------------------------------------------- venue codes and tracing


class VenueCodeOut(Schema):
    venue_id: int
    code: str


@router.get("/venues/{int:venue_id}/code", response={200: VenueCodeOut, **ERRORS})
def venue_code(request, venue_id: int):
    """The venue's code (created on first request); the poster page prints it as a QR."""
    code = venues.venue_code(actor=request.user, venue_id=venue_id)
    return {"venue_id": code.venue_id, "code": code.code}


class VenueScanIn(Schema):
    person_code: str


@router.post("/venues/{code}/scans", response={200: ScanOut, 201: ScanOut, **ERRORS})
def venue_scan(request, code: str, payload: VenueScanIn):
    """The venue's scanner reads a visitor's code: recorded (person, time) and answered like the status service.
    Needs an Idempotency-Key header: a retried scan is recorded once."""

    def run():
        device = str(getattr(request, "api_token_id", request.user.pk))
        _scan, status = venues.venue_scan(
            actor=request.user, venue_code=code, person_code=payload.person_code, device=device
        )
        return 201, scan_reply(status)

    return Status(
        *idempotent(request, f"venue:{code}", run, replay_status=200, fingerprint=request.body, required=True)
    )


class VisitOut(Schema):
    at: datetime
    colour: str
    person: PersonRef | None = None
    venue: str | None = None


@router.get("/venues/{int:venue_id}/visits", response={200: list[VisitOut], **ERRORS})
def venue_visits(request, venue_id: int, since: datetime, until: datetime, reason: str):
    """Tracing: who was at the venue between `since` and `until` — names revealed, the query audited with
    `reason`."""
    visits = venues.visits_at(actor=request.user, venue_id=venue_id, since=since, until=until, reason=reason)
    return [{"at": v.at, "colour": v.colour, "person": person_ref(v.person) if v.person else None} for v in visits]


@router.get("/people/{int:person_id}/whereabouts", response={200: list[VisitOut], **ERRORS})
def person_whereabouts(request, person_id: int, reason: str, days: int = 7):
    """Tracing: the venues the person scanned in at during the last `days` — audited with `reason`."""
    _person, visits = venues.whereabouts(actor=request.user, person_id=person_id, days=days, reason=reason)
    return [{"at": v.at, "colour": v.colour, "venue": v.venue.name if v.venue else None} for v in visits]


# ---------------------------------------------------------------- transfers


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    occupied: int


@router.get("/isolation-sites", response={200: list[SiteOut], **ERRORS})
def isolation_sites(request):
    """Designated hospitals and isolation sites with their beds taken (received or on the way)."""
    if not (has_cap(request.user, Cap.CASE_WORK) or has_cap(request.user, Cap.TRANSFER_WORK)):
        raise Forbidden(Cap.CASE_WORK)
    return [
        {"id": s.pk, "name": s.name, "kind": s.kind, "capacity": s.capacity, "occupied": n}
        for s, n in transfers.sites_with_occupancy()
    ]


class TransferIn(Schema):
    person_id: int
    destination_id: int
    pickup_address: str
    vehicle: str
    crew: str
    case_id: int | None = None
    contact_id: int | None = None


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
def transfer_create(request, payload: TransferIn):
    """Dispatch a transfer for a confirmed case or a close contact; a full site refuses it."""
    return Status(201, _transfer(transfers.transfer_dispatch(actor=request.user, **payload.dict())))


class StepIn(Schema):
    step: str  # pick_up | arrive | receive | release
    note: str = ""


@router.post("/transfers/{int:transfer_id}/steps", response={200: TransferOut, **ERRORS})
def transfer_step(request, transfer_id: int, payload: StepIn):
    """The next step, in order, stamped with who and when. With an Idempotency-Key a retried step is answered
    with the first reply instead of "out of order"."""

    def run():
        t = transfers.transfer_step(actor=request.user, transfer_id=transfer_id, step=payload.step, note=payload.note)
        return 200, _transfer(t)

    return Status(*idempotent(request, f"transfer:{transfer_id}", run, fingerprint=request.body))


class TransferPage(Schema):
    items: list[TransferOut]
    count: int


@router.get("/transfers", response={200: TransferPage, **ERRORS})
def transfer_list(request, page: int = 1, page_size: int | None = None):
    items, count = paginate(transfers.transfers_visible(user=request.user), page, page_size)
    return {"items": [_transfer(t) for t in items], "count": count}
