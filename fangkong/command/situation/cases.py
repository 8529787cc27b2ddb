"""The daily report's sections on cases, zones, transfers and isolation, read from containment (below command)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .contract import (
    Compiled,
    Facts,
    Kind,
    Rows,
    Tables,
    TableSpec,
    as_is,
    bilingual,
    bounds,
    choice,
    listing,
    number,
    ordered,
)

# --- cases -----------------------------------------------------------------------------------------------------


def _by_street(counts: dict[str, int]) -> Rows:
    """{jpath: n} as [[street name, n]]: each path counted under its street (the second level of the tree), a
    record of the district itself under the district's name."""
    from fangkong.registry.models import Jurisdiction

    streets: dict[str, int] = {}
    for path, n in counts.items():
        parts = [p for p in path.split("/") if p]
        key = "/".join(parts[:2]) + "/"
        streets[key] = streets.get(key, 0) + n
    names = dict(Jurisdiction.objects.filter(path__in=list(streets)).values_list("path", "name"))
    return [[names.get(p, "—"), n] for p, n in sorted(streets.items())]


def _positives(day: date) -> Compiled:
    from fangkong.containment.models import Case, CloseContact

    start, end = bounds(day)
    today = Case.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
    facts = {
        "confirmed": today.count(),
        "open": Case.objects.filter(released_at__isnull=True).count(),
        "contacts": CloseContact.objects.filter(recorded_at__gte=start, recorded_at__lt=end).count(),
    }
    streets = _by_street(dict(today.values_list("jpath").annotate(n=Count("pk")).order_by()))
    return Compiled(facts=facts, tables={"streets": streets})


def _positives_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "Today %(confirmed)s cases were confirmed and %(contacts)s close contacts traced; %(open)s cases are open."
    ) % {k: number(f[k]) for k in ("confirmed", "contacts", "open")}


def _positives_kind() -> Kind:
    return Kind(
        key="positives",
        title=gettext_lazy("Positive cases"),
        compute=_positives,
        facts=(
            ("confirmed", gettext_lazy("Confirmed today")),
            ("open", gettext_lazy("Open cases")),
            ("contacts", gettext_lazy("Close contacts traced today")),
        ),
        sentence=_positives_sentence,
        tables=(
            TableSpec(
                "streets",
                gettext_lazy("Confirmed today by street"),
                (gettext_lazy("Street"), pgettext_lazy("count", "Cases")),
            ),
        ),
        chart="epidemic_curve",
    )


# --- zones -----------------------------------------------------------------------------------------------------


def _zones(day: date) -> Compiled:
    from fangkong.containment.models import Zone

    start, end = bounds(day)
    active = Zone.objects.filter(state=Zone.State.ACTIVE)
    # A level's name is the district's data (封控区, 管控区 …): stored as it read on the day, with its English.
    levels = [
        (bilingual(name, english), n)
        for name, english, n in active.values_list("level__name", "level__name_en")
        .annotate(n=Count("pk"))
        .order_by("level__rank", "level__name")
    ]
    facts = {
        "active": sum(n for _name, n in levels),
        "lifted": Zone.objects.filter(lifted_at__gte=start, lifted_at__lt=end).count(),
        "started": active.filter(starts_at__gte=start, starts_at__lt=end).count(),
    }
    return Compiled(facts=facts, tables={"levels": [[name, n] for name, n in levels]})


def _zones_sentence(f: Facts, tables: Tables) -> str:
    values = {k: number(f[k]) for k in ("active", "lifted", "started")}
    if not f["active"]:
        return _("No zone is in force; %(lifted)s were lifted today.") % values
    levels = listing([(as_is(name), n) for name, n in tables.get("levels", [])], _zones_of)
    return _(
        "%(active)s zones are in force (%(levels)s), %(started)s of them from today; %(lifted)s were lifted today."
    ) % {**values, "levels": levels}


def _zones_of(label: str, n: str) -> str:
    return pgettext("zones", "%(label)s %(n)s") % {"label": label, "n": n}


def _zones_kind() -> Kind:
    return Kind(
        key="zones",
        title=gettext_lazy("Sealed, controlled and prevention zones"),
        compute=_zones,
        facts=(
            ("active", gettext_lazy("Zones in force")),
            ("started", gettext_lazy("In force from today")),
            ("lifted", gettext_lazy("Lifted today")),
        ),
        sentence=_zones_sentence,
        tables=(
            TableSpec(
                "levels",
                gettext_lazy("Zones in force by level"),
                (gettext_lazy("Level"), pgettext_lazy("count", "Zones")),
            ),
        ),
    )


# --- transfers -------------------------------------------------------------------------------------------------


def _transfers(day: date) -> Compiled:
    from fangkong.containment.models import IsolationSite, Transfer

    start, end = bounds(day)
    moving = [Transfer.State.DISPATCHED, Transfer.State.PICKED_UP, Transfer.State.ARRIVED]
    states = dict(
        Transfer.objects.filter(state__in=[*moving, Transfer.State.RECEIVED])
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sites = {
        kind: (n, beds or 0)
        for kind, n, beds in IsolationSite.objects.filter(active=True)
        .values_list("kind")
        .annotate(n=Count("pk"), beds=Sum("capacity"))
        .values_list("kind", "n", "beds")
        .order_by()
    }
    isolated = dict(
        Transfer.objects.filter(state=Transfer.State.RECEIVED)
        .values_list("destination__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    kinds = [k for k in IsolationSite.Kind.values if k in sites or k in isolated]
    facts = {
        "dispatched": Transfer.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end).count(),
        "received": Transfer.objects.filter(received_at__gte=start, received_at__lt=end).count(),
        "under_way": sum(states.get(s, 0) for s in moving),
        "isolated": states.get(Transfer.State.RECEIVED, 0),
    }
    return Compiled(
        facts=facts,
        tables={
            "under_way": ordered({s: n for s, n in states.items() if s in moving}, list(moving)),
            "sites": [[k, *sites.get(k, (0, 0)), isolated.get(k, 0)] for k in kinds],
        },
    )


def _transfers_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "Today %(dispatched)s people were transferred and %(received)s received at the sites; %(under_way)s"
        " transfers are under way and %(isolated)s people are in isolation."
    ) % {k: number(f[k]) for k in ("dispatched", "received", "under_way", "isolated")}


def _transfers_kind() -> Kind:
    from fangkong.containment.models import IsolationSite, Transfer

    return Kind(
        key="transfers",
        title=gettext_lazy("Transfers and isolation"),
        compute=_transfers,
        facts=(
            ("dispatched", gettext_lazy("Dispatched today")),
            ("received", gettext_lazy("Received today")),
            ("under_way", gettext_lazy("Under way")),
            ("isolated", gettext_lazy("In isolation")),
        ),
        sentence=_transfers_sentence,
        tables=(
            TableSpec(
                "under_way",
                gettext_lazy("Transfers under way"),
                (gettext_lazy("State"), pgettext_lazy("count", "People")),
                choice(Transfer.State),
            ),
            TableSpec(
                "sites",
                gettext_lazy("Isolation sites"),
                (
                    gettext_lazy("Kind"),
                    pgettext_lazy("count", "Sites"),
                    gettext_lazy("Beds"),
                    gettext_lazy("In isolation"),
                ),
                choice(IsolationSite.Kind),
            ),
        ),
    )


def kinds() -> list[Kind]:
    return [_positives_kind(), _zones_kind(), _transfers_kind()]
