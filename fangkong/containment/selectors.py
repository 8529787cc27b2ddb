"""Reads of containment data, scoped here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap, scope_for, unit_ids_for
from fangkong.registry.models import Person

from .models import Appeal, Case, Colour, Inpatient, PersonStatus, StatusChange, Zone, ZoneLevel
from .status import Status, status_of, status_settle_stale


def zones_visible(*, user, state: str = "") -> QuerySet[Zone]:
    """Zones within the user's reach, and the district-wide ones above it that cover part of it."""
    scope = scope_for(user, Cap.ZONE_VIEW)
    if scope.empty:
        return Zone.objects.none()
    above = Q()
    for path in scope.paths:
        # A zone drawn higher up (over a whole street) concerns the community inside it too.
        prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
        above |= Q(jpath__in=prefixes)
    qs = Zone.objects.filter(scope.q("jpath") | above).select_related(
        "level", "requested_by", "decided_by", "lift_requested_by"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at")


def zone_get(*, user, zone_id: int, for_update: bool = False) -> Zone:
    """The one access path to a zone: 404 outside the user's reach; `for_update` locks its row (of self) for a
    check-then-write until the transaction ends."""
    qs = zones_visible(user=user)
    zone = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=zone_id).first()
    if zone is None:
        raise NotFound
    return zone


def decisions_about(person: Person) -> list[StatusChange]:
    """The manual changes of a person's status they are shown (in force or revoked), with their appeals: for the
    person themselves on the portal (the residents' session has established who they are)."""
    return list(
        StatusChange.objects.filter(person=person, state__in=[StatusChange.State.APPLIED, StatusChange.State.REVOKED])
        .prefetch_related("appeals")
        .order_by("-decided_at")
    )


def change_of_residents(*, person_ids: list[int], change_id: int) -> StatusChange:
    """A change about one of the phone's people (404 for anyone else's, as for none)."""
    change = StatusChange.objects.filter(pk=change_id, person_id__in=person_ids).first()
    if change is None:
        raise NotFound
    return change


def zone_decidable(*, user, zone: Zone) -> bool:
    """Whether the user's reach to approve zones covers this one (the page shows the decision buttons)."""
    return scope_for(user, Cap.ZONE_APPROVE).covers(zone.jpath)


def person_actions(*, user, person: Person) -> dict[str, bool]:
    """What the user may start about a person whose status they see: ask for a status change, a transfer."""
    return {
        "can_request": scope_for(user, Cap.STATUS_REQUEST).covers(person.jpath),
        "can_transfer": scope_for(user, Cap.CASE_WORK).covers(person.jpath),
    }


def reporting_units(*, user) -> frozenset[int]:
    """The clinics, pharmacies and hospitals the user reports for (sentinels, inpatients)."""
    return unit_ids_for(user, Cap.SENTINEL_REPORT)


def inpatient_get(*, user, inpatient_id: int, for_update: bool = False) -> Inpatient:
    """The one access path to an inpatient: of one of the user's hospitals (404 otherwise); `for_update` locks its
    row (of self)."""
    qs = Inpatient.objects.filter(unit_id__in=reporting_units(user=user))
    patient = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=inpatient_id).first()
    if patient is None:
        raise NotFound
    return patient


def inpatients_current(*, user) -> QuerySet[Inpatient]:
    """The patients still in the user's hospitals, with their escorts."""
    return (
        Inpatient.objects.filter(unit_id__in=reporting_units(user=user), discharged_at__isnull=True)
        .prefetch_related("escorts")
        .order_by("ward", "bed")
    )


def levels() -> QuerySet[ZoneLevel]:
    return ZoneLevel.objects.filter(active=True)


def person_status(*, user, person_id: int) -> tuple[Person, Status]:
    """A person's status with every reason, for staff whose jurisdiction holds them (403 for a role that never
    sees statuses, 404 for anyone outside the jurisdiction, as for nobody)."""
    if not has_cap(user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    person = Person.objects.filter(scope_for(user, Cap.STATUS_VIEW).q(), pk=person_id).first()
    if person is None:
        raise NotFound
    return person, status_of(person.pk)


def people_restricted(*, user, colour: str = "", within: str = "") -> QuerySet[PersonStatus]:
    """The people red or yellow (`colour`: one of them, default both) in the user's reach, under `within` (a
    jurisdiction's path) when given, the most recent first — as the hall counts them: stale stored statuses are
    settled first, then read along the partial index of restricted people."""
    if not has_cap(user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    status_settle_stale()
    colours = [colour] if colour in (Colour.RED, Colour.YELLOW) else [Colour.RED, Colour.YELLOW]
    qs = PersonStatus.objects.filter(scope_for(user, Cap.STATUS_VIEW).q("jpath"), colour__in=colours)
    if within:
        qs = qs.filter(jpath__startswith=within)
    return qs.select_related("person", "person__community").order_by("-since", "person_id")


def changes_visible(*, user, state: str = "") -> QuerySet[StatusChange]:
    qs = StatusChange.objects.filter(scope_for(user, Cap.STATUS_VIEW).q("jpath")).select_related(
        "person", "requested_by", "decided_by", "revoke_requested_by"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at")


def change_get(*, user, change_id: int, for_update: bool = False) -> StatusChange:
    """The one access path to a status change: 404 outside the user's reach; `for_update` locks its row (of
    self)."""
    qs = changes_visible(user=user)
    change = (qs.select_for_update(of=("self",)) if for_update else qs).filter(pk=change_id).first()
    if change is None:
        raise NotFound
    return change


def appeals_visible(*, user, state: str = "") -> QuerySet[Appeal]:
    qs = Appeal.objects.filter(scope_for(user, Cap.STATUS_VIEW).q("change__jpath")).select_related(
        "change", "change__person"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-filed_at")


def cases_visible(*, user, open_only: bool = True) -> QuerySet[Case]:
    qs = Case.objects.filter(scope_for(user, Cap.STATUS_VIEW).q("jpath")).select_related("person")
    if open_only:
        qs = qs.filter(released_at__isnull=True)
    return qs.order_by("-confirmed_at")


def sealed_places() -> list[int]:
    """Compounds and buildings of the zones in force whose level turns people red (sealed, high risk): testing
    pools one household per tube there."""
    from fangkong.registry.models import Place

    return list(
        Place.objects.filter(
            kind__in=[Place.Kind.COMPOUND, Place.Kind.BUILDING],
            pk__in=Zone.places.through.objects.filter(zone__state=Zone.State.ACTIVE, zone__level__colour="red").values(
                "place_id"
            ),
        ).values_list("pk", flat=True)
    )


def zone_places(*, user) -> list:
    """The compounds a user may draw zones over."""
    from fangkong.registry.models import Place

    reach = scope_for(user, Cap.ZONE_REQUEST)
    if reach.empty:
        return []
    return list(Place.objects.filter(reach.q("jpath"), kind=Place.Kind.COMPOUND).order_by("jpath", "name")[:2000])


def zone_jurisdictions(*, user) -> list:
    """The jurisdictions a user may draw zones over."""
    from fangkong.registry.models import Jurisdiction

    reach = scope_for(user, Cap.ZONE_REQUEST)
    return [] if reach.empty else list(Jurisdiction.objects.filter(reach.q("path")).order_by("path")[:2000])


def audit_objects_about(person: Person) -> list:
    """Containment's audit rows that concern `person`, for the person's own access log (registered with
    registry.selectors at app ready): tracing queries about them, each step of a manual change of their status
    (recorded on the change: found through the change's id), and tracing queries over a venue while they were
    there (recorded once on the venue with its period: shown to those who scanned in within it)."""
    from datetime import datetime

    from fangkong.registry.selectors import AuditObjects

    from .models import VenueScan

    change_ids = tuple(str(pk) for pk in StatusChange.objects.filter(person=person).values_list("pk", flat=True))
    visits: dict[str, list[datetime]] = {}
    for venue_id, at in VenueScan.objects.filter(person_id=person.pk).values_list("venue_id", "at"):
        visits.setdefault(str(venue_id), []).append(at)

    def was_there(event) -> bool:
        try:
            since = datetime.fromisoformat(event.fields["since"])
            until = datetime.fromisoformat(event.fields["until"])
        except (KeyError, TypeError, ValueError):
            return False
        return any(since <= at < until for at in visits.get(event.object_id, []))

    steps = {
        f"status_change.{step}": "status_change"
        for step in ("request", "approve", "reject", "revoke", "revoke_on_appeal")
    }
    return [
        AuditObjects("registry.person", (str(person.pk),), {"trace.person": "whereabouts"}),
        AuditObjects("containment.statuschange", change_ids, steps),
        AuditObjects("registry.unit", tuple(visits), {"trace.venue": "venue_trace"}, keep=was_there),
    ]
