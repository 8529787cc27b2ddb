"""A cluster as its page shows it: its cases, their close contacts, the places they share (homes' compounds,
workplaces, the venues they scanned into within the 14 days before their report) and one timeline of onsets,
reports, contacts and transfers. Cases outside the viewer's reach are counted but not shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for
from fangkong.registry.models import Place

from ..models import Case, CloseContact, Cluster, Transfer, VenueScan
from .chains import case_url
from .suggestions import BEFORE_REPORT


@dataclass
class ClusterDetail:
    cluster: Cluster
    cases: list[Case]  # those the viewer works, each with .label and .url
    hidden: int  # cases of the cluster outside the viewer's reach
    contacts: list[CloseContact]
    places: list[dict] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)

    @property
    def source_unknown(self) -> int:
        return sum(1 for c in self.cases if c.source_case_id is None)


def _compound(case: Case) -> Place | None:
    node = case.person.household
    while node is not None:
        if node.kind == Place.Kind.COMPOUND:
            return node
        node = node.parent
    return None


def cluster_detail(*, user, cluster: Cluster) -> ClusterDetail:
    scope = scope_for(user, Cap.CASE_WORK)
    every = list(
        Case.objects.filter(cluster=cluster)
        .select_related("person__household__parent__parent", "person__unit", "workplace")
        .order_by("confirmed_at", "pk")
    )
    cases = [c for c in every if scope.covers(c.jpath)]
    for c in cases:
        c.label = pii.mask_name(c.person.name)  # type: ignore[attr-defined]
        c.url = case_url(c.pk)  # type: ignore[attr-defined]
    contacts = list(
        CloseContact.objects.filter(case__in=cases)
        .select_related("person", "case__person")
        .order_by("last_contact_at", "pk")
    )
    for m in contacts:
        m.label = pii.mask_name(m.person.name)  # type: ignore[attr-defined]
        m.case_label = pii.mask_name(m.case.person.name)  # type: ignore[attr-defined]
    detail = ClusterDetail(cluster, cases, len(every) - len(cases), contacts)
    detail.places = _places(cases)
    detail.timeline = _timeline(cases, contacts)
    return detail


def _places(cases: list[Case]) -> list[dict]:
    """Each place with the cases found there and, for venues, the days they were there."""
    found: dict[tuple[str, int], dict] = {}

    def add(kind: str, label: str, pk: int, name: str, case: Case, day: date | None = None) -> None:
        entry = found.setdefault((kind, pk), {"kind": kind, "kind_label": label, "name": name, "cases": set()})
        entry["cases"].add(case.pk)
        if day is not None:
            entry.setdefault("days", set()).add(day)

    for c in cases:
        compound = _compound(c)
        if compound is not None:
            add("compound", _("Residential compound"), compound.pk, compound.name, c)
        unit = c.workplace or c.person.unit
        if unit is not None:
            add("workplace", _("Workplace"), unit.pk, unit.name, c)
    if cases:
        by_person = defaultdict(list)
        for c in cases:
            by_person[c.person_id].append(c)
        earliest = min(c.confirmed_at for c in cases) - BEFORE_REPORT
        scans = (
            VenueScan.objects.filter(person_id__in=list(by_person), at__gte=earliest)
            .values_list("person_id", "venue_id", "venue__name", "at")
            .order_by("at")
        )
        for person_id, venue_id, name, at in scans:
            for c in by_person[person_id]:
                if c.confirmed_at - BEFORE_REPORT <= at <= c.confirmed_at:
                    add("venue", _("Venue"), venue_id, name, c, clock.localdate(at))
    out = []
    for entry in found.values():
        entry["n"] = len(entry.pop("cases"))
        entry["days"] = sorted(entry.get("days", ()))
        out.append(entry)
    order = {"compound": 0, "workplace": 1, "venue": 2}
    return sorted(out, key=lambda e: (order[e["kind"]], -e["n"], e["name"]))


def _timeline(cases: list[Case], contacts: list[CloseContact]) -> list[dict]:
    """Onsets (a day), reports, last contacts and transfers (moments), oldest first."""
    events: list[dict] = []

    def add(at: datetime | date, what: str, who: str, url: str = "") -> None:
        moment = at if isinstance(at, datetime) else clock.start_of_day(at)
        events.append(
            {"at": at, "moment": moment, "day_only": not isinstance(at, datetime), "what": what, "who": who, "url": url}
        )

    for c in cases:
        label, url = c.label, c.url  # type: ignore[attr-defined]
        if c.onset_date:
            add(c.onset_date, _("Onset of symptoms"), label, url)
        add(c.confirmed_at, c.get_classification_display(), label, url)
    for m in contacts:
        add(m.last_contact_at, m.get_kind_display(), f"{m.label} ← {m.case_label}")  # type: ignore[attr-defined]
    transfers = Transfer.objects.filter(case__in=cases).select_related("person", "destination")
    for t in transfers:
        who = pii.mask_name(t.person.name)
        add(t.dispatched_at, _("Transfer dispatched to %(site)s") % {"site": t.destination.name}, who)
        if t.received_at:
            add(t.received_at, _("Received at %(site)s") % {"site": t.destination.name}, who)
    return sorted(events, key=lambda e: e["moment"])
