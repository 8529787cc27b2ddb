"""Clusters suggested from shared places and times: recent cases in no cluster who share a household, a compound, a
workplace, or a venue they scanned into on the same day within the 14 days before their report. Only ever listed,
with the place and the days, for a person to group with one click (clusters.cluster_create) — never grouped by
the platform itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for
from fangkong.registry.models import Place, Unit

from ..models import Case, Cluster, VenueScan
from .chains import case_url

RECENT = timedelta(days=28)  # cases reported within this: an older case's cluster was settled long ago
BEFORE_REPORT = timedelta(days=14)  # the venues a case visited before their report, as for the cluster page


@dataclass
class Suggestion:
    basis: str  # household, compound, workplace, venue
    place: str
    kind: str  # the cluster kind it would make
    dates: list[date]
    cases: list[dict] = field(default_factory=list)

    @property
    def basis_label(self) -> str:
        return {
            "household": _("Same household"),
            "compound": _("Same residential compound"),
            "workplace": _("Same workplace"),
            "venue": _("Same venue, same day"),
        }[self.basis]

    @property
    def name(self) -> str:
        return _("%(place)s cluster") % {"place": self.place}

    @property
    def case_ids(self) -> list[int]:
        return [c["id"] for c in self.cases]

    def as_dict(self) -> dict:
        return {
            "basis": self.basis,
            "place": self.place,
            "kind": self.kind,
            "name": self.name,
            "dates": self.dates,
            "case_ids": self.case_ids,
        }


_FIELDS = (
    "pk",
    "person_id",
    "person__name",
    "confirmed_at",
    "onset_date",
    "workplace_id",
    "person__unit_id",
    "person__household_id",
    "person__household__name",
    "person__household__parent_id",
    "person__household__parent__kind",
    "person__household__parent__name",
    "person__household__parent__parent_id",
    "person__household__parent__parent__kind",
    "person__household__parent__parent__name",
)


def _compound(c: dict) -> tuple[int, str] | None:
    if c["person__household__parent__kind"] == Place.Kind.COMPOUND:
        return c["person__household__parent_id"], c["person__household__parent__name"]
    if c["person__household__parent__parent__kind"] == Place.Kind.COMPOUND:
        return c["person__household__parent__parent_id"], c["person__household__parent__parent__name"]
    return None


def _home(c: dict) -> str:
    names = [c["person__household__parent__parent__name"], c["person__household__parent__name"]]
    return " ".join([n for n in names if n] + [c["person__household__name"]])


def _shown(c: dict) -> dict:
    return {
        "id": c["pk"],
        "label": pii.mask_name(c["person__name"]),
        "confirmed_at": c["confirmed_at"],
        "onset_date": c["onset_date"],
        "url": case_url(c["pk"]),
    }


def cluster_suggestions(*, user, now: datetime | None = None) -> list[Suggestion]:
    """What the user might group: from their own recent cases in no cluster (Cap.CASE_WORK), each case set once
    (the household before the workplace, the venue and the compound that say the same)."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        return []
    now = now or clock.now()
    cases = list(
        Case.objects.filter(scope.q(), cluster__isnull=True, confirmed_at__gte=now - RECENT)
        .values(*_FIELDS)
        .order_by("confirmed_at", "pk")[:2000]
    )
    if len(cases) < 2:
        return []
    groups: dict[tuple[str, int], list[dict]] = defaultdict(list)
    places: dict[tuple[str, int], str] = {}
    for c in cases:
        if c["person__household_id"]:
            key = ("household", c["person__household_id"])
            groups[key].append(c)
            places[key] = _home(c)
        compound = _compound(c)
        if compound:
            groups[("compound", compound[0])].append(c)
            places[("compound", compound[0])] = compound[1]
        unit = c["workplace_id"] or c["person__unit_id"]
        if unit:
            groups[("workplace", unit)].append(c)
    units = {k[1] for k in groups if k[0] == "workplace" and len(groups[k]) > 1}
    places |= {("workplace", pk): name for pk, name in Unit.objects.filter(pk__in=units).values_list("pk", "name")}

    out: list[Suggestion] = []
    kinds = {"household": Cluster.Kind.FAMILY, "workplace": Cluster.Kind.WORKPLACE, "compound": Cluster.Kind.OTHER}
    for basis in ("household", "workplace"):
        for key, members in groups.items():
            if key[0] == basis and len(members) > 1:
                days = sorted({clock.localdate(m["confirmed_at"]) for m in members})
                out.append(Suggestion(basis, places.get(key, "—"), kinds[basis], days, [_shown(m) for m in members]))
    out += _venues(cases)
    for key, members in groups.items():
        if key[0] == "compound" and len(members) > 1:
            days = sorted({clock.localdate(m["confirmed_at"]) for m in members})
            out.append(Suggestion("compound", places[key], kinds["compound"], days, [_shown(m) for m in members]))
    seen: set[frozenset[int]] = set()
    unique = []
    for s in out:
        ids = frozenset(s.case_ids)
        if ids not in seen:
            seen.add(ids)
            unique.append(s)
    return unique


def _venues(cases: list[dict]) -> list[Suggestion]:
    """Cases who scanned into one venue on one day, each within the 14 days before their report: one query along
    the scans' (person, time) index."""
    by_person: dict[int, list[dict]] = defaultdict(list)
    for c in cases:
        by_person[c["person_id"]].append(c)
    earliest = min(c["confirmed_at"] for c in cases) - BEFORE_REPORT
    scans = VenueScan.objects.filter(person_id__in=list(by_person), at__gte=earliest).values_list(
        "person_id", "venue_id", "at"
    )
    together: dict[tuple[int, date], dict[int, dict]] = defaultdict(dict)
    for person_id, venue_id, at in scans:
        for c in by_person[person_id]:
            if c["confirmed_at"] - BEFORE_REPORT <= at <= c["confirmed_at"]:
                together[(venue_id, clock.localdate(at))][c["pk"]] = c
    by_venue: dict[int, tuple[set[date], dict[int, dict]]] = {}
    for (venue_id, day), members in together.items():
        if len(members) > 1:
            days, all_members = by_venue.setdefault(venue_id, (set(), {}))
            days.add(day)
            all_members.update(members)
    names = dict(Unit.objects.filter(pk__in=list(by_venue)).values_list("pk", "name"))
    return [
        Suggestion(
            "venue",
            names.get(venue_id, "—"),
            Cluster.Kind.VENUE,
            sorted(days),
            [_shown(m) for m in sorted(members.values(), key=lambda m: (m["confirmed_at"], m["pk"]))],
        )
        for venue_id, (days, members) in sorted(by_venue.items())
    ]
