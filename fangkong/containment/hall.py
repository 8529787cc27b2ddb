"""Containment on the command hall and the desk (registered in apps.py): zones by level with the people inside,
people red and yellow, cases, contacts, transfers, isolation beds and sentinel alerts; and, on a desk, the
decisions awaiting a second officer and the alerts a community must act on."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, MapPoint, covers, list_url, sum_by_area
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap, scope_for
from fangkong.registry.models import Person

from .models import (
    Appeal,
    Case,
    CloseContact,
    Colour,
    IsolationSite,
    PersonStatus,
    SentinelAlert,
    StatusChange,
    Transfer,
    Zone,
)
from .status import status_settle_stale
from .transfers import due_step, occupancy
from .zones import households_in, people_in_zone

CONTACT_MANAGED = timedelta(days=10)  # 7 days' central isolation, then 3 at home, from the last contact


def colour_counts(path: str) -> Counter:
    """People red and yellow under `path` as a scanner would read them now: the stale stored statuses (a pool
    positive's members, invalidated in its transaction; a manual change run out) are recomputed and stored
    first, then the stored colours counted along a partial index (never the whole table)."""
    status_settle_stale()
    return Counter(
        dict(
            PersonStatus.objects.filter(jpath__startswith=path, colour__in=[Colour.RED, Colour.YELLOW])
            .values_list("colour")
            .annotate(n=Count("*"))
            .order_by()
        )
    )


def zones_in(area: Area, now: datetime) -> list[dict]:
    """The zones in force over any part of `area`, each with the people inside it who live in `area`."""
    above = [area.path[: i + 1] for i, ch in enumerate(area.path) if ch == "/"]
    zones = (
        Zone.objects.filter(Q(jpath__startswith=area.path) | Q(jpath__in=above), state=Zone.State.ACTIVE)
        .filter(starts_at__lte=now)
        .select_related("level")
        .order_by("level__rank", "name")
    )
    out = []
    for zone in zones:
        population = people_in_zone(zone).filter(jpath__startswith=area.path).count()
        if population or zone.jpath.startswith(area.path):
            out.append(
                {
                    "id": zone.pk,
                    "name": zone.name,
                    "level": zone.level.code,
                    "level_name": zone.level.label,  # in the reader's language: the panel and the API show it
                    "colour": zone.level.colour,
                    "population": population,
                    "url": reverse("containment:zone", args=[zone.pk]),
                }
            )
    return out


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    if not covers(user, Cap.STATUS_VIEW, area):
        return []
    within = Q(jpath__startswith=area.path)
    zones = zones_in(area, now)
    colours = colour_counts(area.path)
    day = clock.start_of_day(clock.localdate(now))
    cases = Case.objects.filter(within).aggregate(
        open=Count("pk", filter=Q(released_at__isnull=True)),
        today=Count("pk", filter=Q(confirmed_at__gte=day)),
    )
    # Under management: the people whose last contact with a case lies within the protocol's period (7 days'
    # central isolation and 3 at home), counted once however many cases they met.
    contacts = (
        CloseContact.objects.filter(within, last_contact_at__gte=now - CONTACT_MANAGED)
        .values("person_id")
        .distinct()
        .count()
    )
    transfers = list(
        Transfer.objects.filter(
            within, state__in=[Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, Transfer.State.ARRIVED]
        )
    )
    late = sum(1 for t in transfers if (due := due_step(t, now)) is not None and due.late)
    sites = list(IsolationSite.objects.filter(within, active=True))
    taken = occupancy([s.pk for s in sites])
    used = sum(taken.values())
    beds = sum(s.capacity for s in sites)
    sentinel = SentinelAlert.objects.filter(within, handled_at__isnull=True).count()
    zones_url = list_url(reverse("containment:zones"), area)
    people = reverse("containment:people")
    # The transfers page is for those who work cases or transfers: a tile leads there only for them.
    may_transfer = has_cap(user, Cap.CASE_WORK) or has_cap(user, Cap.TRANSFER_WORK)
    transfers_url = list_url(reverse("containment:transfers"), area) if may_transfer else ""
    by_level = Counter(z["level_name"] for z in zones)
    return [
        Figure("zones", _("Zones in force"), zones, tile=False, url=zones_url),
        Figure("zones_in_force", _("Zones in force"), len(zones), url=zones_url),
        Figure("zones_by_level", _("Zones by level"), dict(by_level), tile=False, url=zones_url),
        Figure("zone_population", _("People inside zones"), sum(z["population"] for z in zones), url=zones_url),
        Figure("red", _("People red"), colours[Colour.RED], url=list_url(people, area, colour="red"), tone="bad"),
        Figure(
            "yellow",
            _("People yellow"),
            colours[Colour.YELLOW],
            url=list_url(people, area, colour="yellow"),
            tone="warn",
        ),
        Figure(
            "cases_open",
            _("Confirmed cases under care"),
            cases["open"],
            url=reverse("containment:zones"),
            tone="bad",
        ),
        Figure("cases_today", _("Confirmed today"), cases["today"], tone="bad"),
        Figure("close_contacts", _("Close contacts under management"), contacts, tone="warn"),
        Figure("transfers_under_way", _("Transfers under way"), len(transfers), url=transfers_url),
        Figure("transfers_late", _("Transfers late"), late, url=transfers_url, tone="bad"),
        Figure("isolation_used", _("Isolation beds taken"), used, url=transfers_url),
        Figure("isolation_free", _("Isolation beds free"), max(beds - used, 0), url=transfers_url),
        Figure(
            "sentinel_open",
            _("Sentinel alerts open"),
            sentinel,
            url=list_url(reverse("containment:alerts"), area),
            tone="bad",
        ),
    ]


def zones_to_decide(user) -> Todo | None:
    scope = scope_for(user, Cap.ZONE_APPROVE)
    if scope.empty:
        return None
    pending = Zone.objects.filter(scope.q(), state=Zone.State.PENDING).exclude(requested_by=user).count()
    lifting = (
        Zone.objects.filter(scope.q(), state=Zone.State.ACTIVE, lift_requested_at__isnull=False)
        .exclude(lift_requested_by=user)
        .count()
    )
    return Todo("containment.zones", _("Zones awaiting your decision"), pending + lifting, reverse("containment:zones"))


def changes_to_decide(user) -> Todo | None:
    scope = scope_for(user, Cap.STATUS_APPROVE)
    if scope.empty:
        return None
    pending = StatusChange.objects.filter(scope.q(), state=StatusChange.State.PENDING).exclude(requested_by=user)
    revoking = StatusChange.objects.filter(
        scope.q(), state=StatusChange.State.APPLIED, revoke_requested_at__isnull=False
    ).exclude(revoke_requested_by=user)
    return Todo(
        "containment.changes",
        _("Status changes awaiting your decision"),
        pending.count() + revoking.count(),
        reverse("containment:changes"),
    )


def appeals_to_decide(user) -> Todo | None:
    scope = scope_for(user, Cap.STATUS_APPROVE)
    if scope.empty:
        return None
    n = Appeal.objects.filter(scope.q("change__jpath"), state=Appeal.State.OPEN).count()
    return Todo("containment.appeals", _("Appeals to decide"), n, reverse("containment:changes"))


def sentinel_alerts_to_handle(user) -> Todo | None:
    scope = scope_for(user, Cap.STATUS_VIEW)
    if scope.empty:
        return None
    n = SentinelAlert.objects.filter(scope.q(), handled_at__isnull=True).count()
    return Todo("containment.sentinel", _("Sentinel alerts to follow up"), n, reverse("containment:alerts"))


SEVERITY_OF_COLOUR: dict[str, int] = {Colour.RED: 3, Colour.YELLOW: 2, Colour.GREEN: 1}


def map_zone_level(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    """Each area's strictest zone in force: 3 a red level (sealed), 2 yellow (controlled), 1 green (prevention),
    0 none. A zone over part of an area colours it; a zone over a whole street colours every community in it."""
    if not covers(user, Cap.ZONE_VIEW, within):
        return {}
    out = {a.id: 0 for a in areas}
    zones = Zone.objects.filter(state=Zone.State.ACTIVE, starts_at__lte=now).select_related("level")
    for zone in zones.prefetch_related("places", "jurisdictions"):
        severity = SEVERITY_OF_COLOUR.get(zone.level.colour, 1)
        places = list(zone.places.all())
        inside = [p.jpath for p in places]  # where the compounds are registered (a grid, or their community)
        if places:  # and the grids the people inside live in: a compound filed under its community has grids too
            homes = households_in([p.pk for p in places])
            inside += list(
                Person.objects.filter(household_id__in=homes).values_list("jpath", flat=True).distinct().order_by()
            )
        over = [j.path for j in zone.jurisdictions.all()]  # whole jurisdictions
        for a in areas:
            if any(path.startswith(a.path) for path in inside + over) or any(a.path.startswith(p) for p in over):
                out[a.id] = max(out[a.id], severity)
    return out


def _colour_by_area(user, within: Area, areas: list[Area], colour: str) -> dict[int, int]:
    if not covers(user, Cap.STATUS_VIEW, within):
        return {}
    status_settle_stale()
    counts = dict(
        PersonStatus.objects.filter(jpath__startswith=within.path, colour=colour)
        .values_list("jpath")
        .annotate(n=Count("*"))
        .order_by()
    )
    return sum_by_area(counts, areas)


def map_red(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    return _colour_by_area(user, within, areas, Colour.RED)


def map_yellow(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    return _colour_by_area(user, within, areas, Colour.YELLOW)


def sealed_compound_points(user, area: Area) -> list[MapPoint]:
    """The compounds (and buildings) of zones in force whose level turns people red."""
    if not covers(user, Cap.ZONE_VIEW, area):
        return []
    rows = (
        Zone.places.through.objects.filter(
            zone__state=Zone.State.ACTIVE,
            zone__level__colour=Colour.RED,
            place__jpath__startswith=area.path,
            place__lon__isnull=False,
        )
        .values_list("place__name", "place__lon", "place__lat", "zone_id")
        .distinct()
    )
    return [MapPoint(lon, lat, name, reverse("containment:zone", args=[zone])) for name, lon, lat, zone in rows]


def isolation_site_points(user, area: Area) -> list[MapPoint]:
    if not covers(user, Cap.STATUS_VIEW, area):
        return []
    rows = IsolationSite.objects.filter(jpath__startswith=area.path, active=True, unit__lon__isnull=False)
    return [MapPoint(s.unit.lon, s.unit.lat, s.name) for s in rows.select_related("unit")]


# --- trends --------------------------------------------------------------------------------------------------


def trend_cases(user, area: Area, first: date, last: date) -> dict[date, int] | None:
    """Confirmed cases by the day of confirmation: few rows (a district's outbreak is hundreds), counted as they
    are."""
    if not covers(user, Cap.STATUS_VIEW, area):
        return None
    rows = (
        Case.objects.filter(
            jpath__startswith=area.path,
            confirmed_at__gte=clock.start_of_day(first),
            confirmed_at__lt=clock.start_of_day(last + timedelta(days=1)),
        )
        .annotate(day=TruncDate("confirmed_at", tzinfo=timezone.get_default_timezone()))
        .values_list("day")
        .annotate(n=Count("*"))
        .order_by()
    )
    return dict(rows)
