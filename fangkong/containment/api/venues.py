"""Venue codes, scans at the door, tracing."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent
from fangkong.core.dates import Moment
from fangkong.registry.api import PersonRef, person_ref

from .. import venues
from ..scanning import scan_reply
from . import ERRORS, router
from .status import ScanOut


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
def venue_visits(request, venue_id: int, since: Moment, until: Moment, reason: str):
    """Tracing: who was at the venue between `since` and `until` — names revealed, the query audited with
    `reason`."""
    visits = venues.visits_at(actor=request.user, venue_id=venue_id, since=since, until=until, reason=reason)
    return [{"at": v.at, "colour": v.colour, "person": person_ref(v.person) if v.person else None} for v in visits]


@router.get("/people/{int:person_id}/whereabouts", response={200: list[VisitOut], **ERRORS})
def person_whereabouts(request, person_id: int, reason: str, days: int = 7):
    """Tracing: the venues the person scanned in at during the last `days` — audited with `reason`."""
    _person, visits = venues.whereabouts(actor=request.user, person_id=person_id, days=days, reason=reason)
    return [{"at": v.at, "colour": v.colour, "venue": v.venue.name if v.venue else None} for v in visits]
