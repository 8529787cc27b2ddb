"""Testing on the command hall and the desk (registered in apps.py): the current round's progress in an area,
and the recalls waiting for a grid worker's retest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import daily
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, MapPoint, covers, list_url, sum_by_area
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for
from fangkong.registry.counts import residents_by_path

from .models import Recall, Round, Sample, Site, SiteKind, Tube

# Counts per day kept by the writes (core.daily): the hall's trends.
SAMPLES = "testing.samples"  # collection.collections_ingest, results.recall_sample
POSITIVE_POOLS = "testing.positive_pools"  # results.results_ingest: pooled tubes found positive, by the result's day


def current_round(now: datetime) -> Round | None:
    """The round under way (started, deadline not passed), else the last one started: what the hall follows."""
    started = Round.objects.filter(starts_at__lte=now)
    return (
        started.filter(deadline__gte=now).order_by("-starts_at", "-id").first()
        or started.order_by("-starts_at", "-id").first()
    )


def _expected_by_path(round_: Round, within: str) -> dict[str, int]:
    """The residents a round expects under `within`, by jpath, from the register's kept counts
    (registry.counts) within the round's own scope — what `monitoring.expected_people` counts row by row."""
    paths = list(round_.scope.values_list("path", flat=True))
    counts = residents_by_path(within)
    if paths:
        counts = {p: n for p, n in counts.items() if any(p.startswith(s) for s in paths)}
    return counts


def _expected(round_: Round, within: str) -> int:
    return sum(_expected_by_path(round_, within).values())


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    if not covers(user, Cap.TESTING_RECALL, area):
        return []
    within = Q(jpath__startswith=area.path)
    recalls = Recall.objects.filter(within, state__in=[Recall.State.ORDERED, Recall.State.SAMPLED]).count()
    recalls_url = list_url(reverse("testing:recalls"), area)
    round_ = current_round(now)
    if round_ is None:
        return [
            Figure("round", _("Current round"), None, tile=False),
            Figure("round_sampled", _("Sampled in the round"), 0),
            Figure("round_expected", _("Expected in the round"), 0),
            Figure("recalls_open", _("Recalls awaiting a retest"), recalls, url=recalls_url, tone="warn"),
        ]
    expected = _expected(round_, area.path)
    sampled = Sample.objects.filter(within, round=round_, retest=False).count()
    late = _late_q(round_, now)
    tubes = Tube.objects.filter(within, round=round_, retest=False).aggregate(
        in_transit=Count("pk", filter=Q(closed_at__isnull=False, result="", bag__isnull=False, bag__received_at=None)),
        at_lab=Count("pk", filter=Q(result="", bag__received_at__isnull=False)),
        resulted=Count("pk", filter=~Q(result="")),
        positive=Count("pk", filter=Q(result=Tube.Result.POSITIVE)),
        # Past the round's result limit (from the tube's opening), by the stage it is stuck at or ended late in,
        # as the round's page lists them (monitoring.stage_timings).
        late_collect=Count("pk", filter=late & Q(closed_at__isnull=True)),
        late_deliver=Count("pk", filter=late & Q(closed_at__isnull=False) & Q(bag__received_at__isnull=True)),
        late_test=Count("pk", filter=late & Q(bag__received_at__isnull=False, resulted_at__isnull=True)),
        late_report=Count("pk", filter=late & Q(resulted_at__isnull=False)),
    )
    by_stage = {stage: tubes[f"late_{stage}"] for stage in ("collect", "deliver", "test", "report")}
    round_url = reverse("testing:round", args=[round_.pk])
    return [
        Figure("round", _("Current round"), {"id": round_.pk, "name": round_.name}, tile=False, url=round_url),
        Figure("round_sampled", _("Sampled in the round"), sampled, url=round_url),
        Figure("round_expected", _("Expected in the round"), expected, url=round_url),
        Figure("tubes_in_transit", _("Tubes in transit"), tubes["in_transit"], url=round_url),
        Figure("tubes_at_lab", _("Tubes at the laboratory"), tubes["at_lab"], url=round_url),
        Figure("results_back", _("Tubes with a result"), tubes["resulted"], url=round_url),
        Figure("positive_pools", _("Positive pools"), tubes["positive"], url=round_url, tone="bad"),
        Figure(
            "tubes_late",
            _("Tubes past the result limit"),
            sum(by_stage.values()),
            url=round_url + "#late",
            tone="bad",
        ),
        Figure("tubes_late_by_stage", _("Tubes past the result limit, by stage"), by_stage, tile=False),
        Figure("recalls_open", _("Recalls awaiting a retest"), recalls, url=recalls_url, tone="warn"),
    ]


def _late_q(round_: Round, now: datetime) -> Q:
    """Tubes whose result came, or is still awaited, later than the limit for their site's kind (hours from the
    tube's opening; a tube without a site, or a site without a kind, by the mass-testing limit)."""
    late = Q()
    for kind in SiteKind.values:
        limit = timedelta(hours=round_.limit_hours(kind))
        mine = Q(site__kind=kind)
        if kind == SiteKind.MASS:
            mine |= Q(site__isnull=True) | Q(site__kind="")
        late |= mine & (
            Q(resulted_at__isnull=False, resulted_at__gt=F("opened_at") + limit)
            | Q(resulted_at__isnull=True, opened_at__lt=now - limit)
        )
    return late


def recalls_to_sample(user) -> Todo | None:
    scope = scope_for(user, Cap.TESTING_RECALL)
    if scope.empty:
        return None
    n = Recall.objects.filter(scope.q(), state=Recall.State.ORDERED).count()
    return Todo("testing.recalls", _("Recalls to sample"), n, reverse("testing:recalls"))


def map_coverage(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    """The current round's coverage in each area: the percentage of the expected residents sampled."""
    if not covers(user, Cap.TESTING_RECALL, within):
        return {}
    round_ = current_round(now)
    if round_ is None:
        return {}
    q = Q(jpath__startswith=within.path)
    expected = sum_by_area(_expected_by_path(round_, within.path), areas)
    sampled = sum_by_area(
        dict(
            Sample.objects.filter(q, round=round_, retest=False).values_list("jpath").annotate(n=Count("*")).order_by()
        ),
        areas,
    )
    return {a.id: round(100 * sampled[a.id] / expected[a.id]) if expected[a.id] else 0 for a in areas}


def site_points(user, area: Area) -> list[MapPoint]:
    if not covers(user, Cap.TESTING_RECALL, area):
        return []
    rows = Site.objects.filter(jpath__startswith=area.path, active=True, lon__isnull=False)
    return [MapPoint(s.lon, s.lat, s.name, reverse("testing:site", args=[s.pk])) for s in rows]  # type: ignore[arg-type]


# --- trends --------------------------------------------------------------------------------------------------


def recount_samples():
    return daily.by_day(Sample.objects.all(), "collected_at")


def recount_positive_pools():
    positive = Tube.objects.filter(result=Tube.Result.POSITIVE, retest=False, pool_size__gt=1)
    return daily.by_day(positive.filter(resulted_at__isnull=False), "resulted_at")
