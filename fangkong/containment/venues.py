"""Venue codes (场所码): a code at each venue's door; scans record who was there and when; tracing asks the two
questions — who was at venue V between t1 and t2, where was person P in the last days — each an audited reveal
with a reason, by staff whose jurisdiction holds the venue (or the person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.bulk import insert_one
from fangkong.core.errors import Code, FieldError
from fangkong.core.ratelimit import scanner_hit
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Person, Unit

from .models import VenueCode, VenueScan
from .scanning import status_for_code
from .status import Status

MAX_TRACE_DAYS = 28  # the longest incubation-based look-back a tracer needs
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is not a visit from the future


def _venue_in(actor, venue_id: int, cap: str) -> Unit:
    if scope_for(actor, cap).empty:
        raise Forbidden(cap)
    venue = Unit.objects.filter(pk=venue_id, kind=Unit.Kind.VENUE).first()
    if venue is None or not scope_for(actor, cap).covers(venue.jpath):
        raise NotFound
    return venue


def venue_code(*, actor, venue_id: int) -> VenueCode:
    """The venue's code, created on first request (printed as a poster)."""
    venue = _venue_in(actor, venue_id, Cap.VENUE_MANAGE)
    existing = VenueCode.objects.filter(venue=venue).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            code = VenueCode.objects.create(venue=venue)
    except IntegrityError:  # created concurrently
        return VenueCode.objects.get(venue=venue)
    audit_record(actor=actor, action="venue.code", obj=venue)
    return code


@transaction.atomic
def venue_scan(
    *, actor, venue_code: str, person_code: str, device: str, at: datetime | None = None
) -> tuple[VenueScan, Status]:
    """The venue's scanner reads a visitor's code: the visit is recorded and the door learns the colour."""
    if not unit_ids_for(actor, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    code = VenueCode.objects.select_related("venue").filter(code="".join(venue_code.split()).upper()).first()
    if code is None:
        raise NotFound
    if code.venue_id not in unit_ids_for(actor, Cap.STATUS_SCAN):
        raise Forbidden(_("This scanner does not belong to this venue."))
    return _record_visit(actor=actor, venue=code.venue, person_code=person_code, device=device, at=at)


def door_venues(*, user):
    """The venues whose door this account scans at (its venue-staff roles), by name."""
    return Unit.objects.filter(pk__in=unit_ids_for(user, Cap.STATUS_SCAN), kind=Unit.Kind.VENUE).order_by("name")


def door_venue_get(*, user, venue_id: int) -> Unit:
    """A venue whose door this account scans at; any other is not found (the page says nothing of it)."""
    if not unit_ids_for(user, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    venue = door_venues(user=user).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound
    return venue


@transaction.atomic
def venue_door_scan(*, actor, venue_id: int, person_code: str, at: datetime | None = None) -> tuple[VenueScan, Status]:
    """The door page on a staff phone (issue 22): a visitor's code read at the venue, now or kept offline and sent
    with the time it was read (`at`, by the server's clock: core.outbox)."""
    venue = door_venue_get(user=actor, venue_id=venue_id)
    return _record_visit(actor=actor, venue=venue, person_code=person_code, device=f"page:{actor.pk}", at=at)


def _record_visit(
    *, actor, venue: Unit, person_code: str, device: str, at: datetime | None
) -> tuple[VenueScan, Status]:
    now = clock.now()
    if at is not None:
        if at.tzinfo is None:
            raise FieldError(
                "at", _("Give the time with its offset (e.g. 2022-05-01T08:30:00+08:00)."), code=Code.INVALID
            )
        if at > now + CLOCK_SKEW:
            raise FieldError("at", _("The time is in the future; check the device's clock."), code=Code.IN_FUTURE)
    scanner_hit(user_id=actor.pk, device=device)
    if not (person_code or "").strip():
        raise FieldError("person_code", _("Scan or type the visitor's personal code."), code=Code.REQUIRED)
    status = status_for_code(person_code)
    if status is None:
        raise FieldError("person_code", _("Unknown personal code."), code=Code.NOT_FOUND)
    # The colour is the one known when the scan arrives: a scan kept offline was answered at the door from the
    # signed status list, and the visit's time is the phone's.
    scan = insert_one(
        VenueScan(
            venue_id=venue.pk,
            person_id=status.person_id,
            at=at or now,
            colour=status.colour,
            recorded_by=actor,
            jpath=venue.jpath,
        )
    )
    return scan, status


@dataclass
class Visit:
    person: Person | None
    venue: Unit | None
    at: datetime
    colour: str


def _reason(reason: str) -> str:
    return stated_reason(reason, message=_("Give the reason for this tracing query (the case it is for)."))[:300]


def visits_at(*, actor, venue_id: int, since: datetime, until: datetime, reason: str) -> list[Visit]:
    """Who was at the venue between `since` and `until`: names revealed to the tracer, the query audited."""
    venue = _venue_in(actor, venue_id, Cap.TRACE)
    reason = _reason(reason)
    if until <= since:
        raise FieldError("until", _("The end of the period comes after its start."), code=Code.END_BEFORE_START)
    if until - since > timedelta(days=MAX_TRACE_DAYS):
        raise FieldError(
            "since", _("Trace at most %(n)d days at a time.") % {"n": MAX_TRACE_DAYS}, code=Code.OUT_OF_RANGE
        )
    scans = list(
        VenueScan.objects.filter(venue=venue, at__gte=since, at__lt=until)
        .select_related("person")
        .order_by("at")[:5000]
    )
    audit_record(
        actor=actor,
        action="trace.venue",
        obj=venue,
        fields={"since": since.isoformat(), "until": until.isoformat(), "visits": len(scans)},
        reason=reason,
    )
    return [Visit(person=s.person, venue=None, at=s.at, colour=s.colour) for s in scans]


def whereabouts(*, actor, person_id: int, days: int, reason: str) -> tuple[Person, list[Visit]]:
    """Where the person scanned in during the last `days`: for a tracer whose jurisdiction holds the person."""
    scope = scope_for(actor, Cap.TRACE)
    if scope.empty:
        raise Forbidden(Cap.TRACE)
    person = Person.objects.filter(scope.q(), pk=person_id).first()
    if person is None:
        raise NotFound
    reason = _reason(reason)
    if not 1 <= days <= MAX_TRACE_DAYS:
        raise FieldError("days", _("Trace 1 to %(n)d days back.") % {"n": MAX_TRACE_DAYS}, code=Code.OUT_OF_RANGE)
    since = clock.now() - timedelta(days=days)
    scans = list(
        VenueScan.objects.filter(person_id=person.pk, at__gte=since).select_related("venue").order_by("-at")[:2000]
    )
    audit_record(
        actor=actor,
        action="trace.person",
        obj=person,
        object_repr=f"{person.name[:1]}*",
        fields={"days": days, "visits": len(scans)},
        reason=reason,
    )
    return person, [Visit(person=None, venue=s.venue, at=s.at, colour=s.colour) for s in scans]
