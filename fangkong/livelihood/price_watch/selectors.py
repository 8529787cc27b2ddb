"""Price monitoring reads: who watches prices where, the markets, the watched goods, the cases, the public's price
reports and the prices seen — each through one access path that applies the caller's reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from fangkong.core import clock
from fangkong.core.params import BIGINT_MAX
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, Scope, one_in_reach, scope_for, unit_ids_for
from fangkong.registry.models import Jurisdiction, Unit

from ..models import Market, PriceCase, PriceItem, PriceObservation, PriceReport

CHART_DAYS = 30  # a chart's default span: long enough to show the pre-emergency level, short enough to read


# ---------------------------------------------------------------- reach


def price_reach(user) -> Scope:
    """Where the caller watches prices: the jurisdictions over which they hold `livelihood.price_watch` (district
    HQ), and the area of each department at which they hold it — the market regulation bureau works at a unit, and
    a unit-bound role grants nothing by jurisdiction (core.scoping), so the bureau's own area is its reach."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(())
    cache = user.__dict__.setdefault("_fangkong_scopes", {})
    key = "livelihood.price_reach"
    if key not in cache:
        paths = set(scope_for(user, Cap.PRICE_WATCH).paths)
        units = unit_ids_for(user, Cap.PRICE_WATCH)
        if units:
            paths |= {p for p in Unit.objects.filter(pk__in=units).values_list("jpath", flat=True) if p}
        kept: list[str] = []
        for p in sorted(paths, key=len):  # a path under one already kept adds nothing
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        cache[key] = Scope(tuple(sorted(kept)))
    return cache[key]


def can_watch(user) -> bool:
    return not price_reach(user).empty


def can_manage(user) -> bool:
    """Markets and watched goods are the district's list: kept by those who watch prices district-wide."""
    return price_reach(user).district_wide


# ---------------------------------------------------------------- ceilings


def limit_of(item: PriceItem) -> Decimal:
    """The highest price within the margin, exactly (baseline × (1 + margin %))."""
    return item.baseline * (1 + item.margin_percent / 100)


def ceiling_of(item: PriceItem) -> Decimal:
    """The ceiling shown in yuan and fen: rounded down, so that for a price in fen "above the ceiling shown" is
    exactly "above the margin" (a ceiling of 1.725 shows 1.72, and 1.73 is above both)."""
    return limit_of(item).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def is_above(item: PriceItem, price: Decimal) -> bool:
    return price > limit_of(item)


# ---------------------------------------------------------------- markets and goods


def markets_visible(*, user, active_only: bool = False) -> QuerySet[Market]:
    reach = price_reach(user)
    if reach.empty:
        return Market.objects.none()
    rows = Market.objects.filter(reach.q("jpath")).select_related("jurisdiction")
    return rows.filter(active=True) if active_only else rows


def _named(id: int | None) -> int:
    """An id that can name a row: a larger one would overflow the query rather than match nothing."""
    if id is None or not 0 < id <= BIGINT_MAX:
        raise NotFound
    return id


def market_get(*, user, id: int, for_update: bool = False) -> Market:
    _named(id)
    rows = markets_visible(user=user)
    return one_in_reach(rows, id, for_update=for_update)


def market_places(*, user) -> QuerySet[Jurisdiction]:
    """Where a market may be placed: the streets and communities in the caller's reach, not retired."""
    return Jurisdiction.objects.filter(
        price_reach(user).q("path"),
        level__in=[Jurisdiction.Level.STREET, Jurisdiction.Level.COMMUNITY],
        retired_on__isnull=True,
    ).order_by("path")


def price_items_visible(*, user, active_only: bool = False) -> QuerySet[PriceItem]:
    """The watched goods: the district's one list, for whoever watches prices anywhere."""
    if not can_watch(user):
        return PriceItem.objects.none()
    return PriceItem.objects.filter(active=True) if active_only else PriceItem.objects.all()


def price_item_get(*, user, id: int, for_update: bool = False) -> PriceItem:
    _named(id)
    rows = price_items_visible(user=user)
    if for_update:
        rows = rows.select_for_update()
    found = rows.filter(pk=id).first()
    if found is None:
        raise NotFound
    return found


# ---------------------------------------------------------------- cases, reports, observations


def price_cases_visible(*, user) -> QuerySet[PriceCase]:
    """The cases at the markets in reach, open first, newest first; with their evidence counted and the highest
    price seen (subqueries: a join of both would multiply the rows)."""
    reach = price_reach(user)
    if reach.empty:
        return PriceCase.objects.none()
    observations = PriceObservation.objects.filter(case=OuterRef("pk")).order_by().values("case")
    reports = PriceReport.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return (
        PriceCase.objects.filter(reach.q("jpath"))
        .select_related("market", "item", "closed_by")
        .annotate(
            n_observations=Coalesce(
                Subquery(observations.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
            ),
            n_reports=Coalesce(Subquery(reports.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
            highest=Subquery(observations.annotate(top=Max("price")).values("top")),
        )
        .order_by("state", "-opened_at", "-pk")
    )


def price_case_get(*, user, id: int, for_update: bool = False) -> PriceCase:
    _named(id)
    reach = price_reach(user)
    if reach.empty:
        raise NotFound
    rows = PriceCase.objects.filter(reach.q("jpath")).select_related("market", "item", "closed_by")
    return one_in_reach(rows, id, for_update=for_update)


def price_report_get(*, user, id: int, for_update: bool = False) -> PriceReport:
    from ..selectors import price_reports_visible

    _named(id)
    rows = price_reports_visible(user=user)
    return one_in_reach(rows, id, for_update=for_update)


def price_observations_visible(*, user) -> QuerySet[PriceObservation]:
    reach = price_reach(user)
    if reach.empty:
        return PriceObservation.objects.none()
    return PriceObservation.objects.filter(reach.q("market__jpath")).select_related("market", "item", "by")


def case_evidence(case: PriceCase) -> tuple[list[PriceObservation], list[PriceReport]]:
    """What a case holds (the caller has it through price_case_get): the prices seen and the public's reports."""
    observations = list(case.observations.select_related("by").order_by("-observed_at", "-pk")[:200])
    reports = list(case.reports.order_by("-reported_at", "-pk")[:200])
    return observations, reports


def price_todo_counts(*, user) -> tuple[int, int]:
    """(open cases, the public's open reports joined to no case yet): the market regulator's to-do."""
    from ..selectors import price_reports_visible

    cases = price_cases_visible(user=user).filter(state=PriceCase.State.OPEN).order_by().count()
    reports = (
        price_reports_visible(user=user).filter(state=PriceReport.State.RECEIVED, case__isnull=True).order_by().count()
    )
    return cases, reports


# ---------------------------------------------------------------- the chart


@dataclass(frozen=True)
class ChartDay:
    day: date
    low: Decimal | None
    high: Decimal | None
    n: int
    above: bool


@dataclass(frozen=True)
class PriceChart:
    """An item's prices at a market, day by day: the lowest and highest seen each day, against the baseline and
    the ceiling in force now."""

    market: Market
    item: PriceItem
    days: list[ChartDay]
    observations: list[PriceObservation]
    ceiling: Decimal

    @property
    def seen(self) -> bool:
        return bool(self.observations)

    def as_data(self, labels: dict[str, str]) -> dict:
        """What the page's script draws (command/situation.js: days, and series of label, kind, tone, values)."""

        def num(v: Decimal | None) -> float | None:
            return float(v) if v is not None else None

        return {
            "days": [d.day.strftime("%m-%d") for d in self.days],
            "series": [
                {"label": labels["high"], "kind": "line", "tone": "", "values": [num(d.high) for d in self.days]},
                {"label": labels["low"], "kind": "line", "tone": "", "values": [num(d.low) for d in self.days]},
                {
                    "label": labels["ceiling"],
                    "kind": "line",
                    "tone": "bad",
                    "values": [float(self.ceiling)] * len(self.days),
                },
                {
                    "label": labels["baseline"],
                    "kind": "line",
                    "tone": "warn",
                    "values": [float(self.item.baseline)] * len(self.days),
                },
            ],
        }


def price_chart(*, user, market_id: int, item_id: int, days: int = CHART_DAYS) -> PriceChart:
    """The prices of an item at a market over the last `days` days (1–366), today included."""
    market = market_get(user=user, id=market_id)
    item = price_item_get(user=user, id=item_id)
    days = max(1, min(int(days), 366))
    today = clock.localdate()
    first = today - timedelta(days=days - 1)
    since = clock.start_of_day(first)
    rows = list(
        PriceObservation.objects.filter(market=market, item=item, observed_at__gte=since)
        .select_related("by")
        .order_by("observed_at", "pk")
    )
    by_day: dict[date, list[Decimal]] = {}
    for o in rows:
        by_day.setdefault(clock.localdate(o.observed_at), []).append(o.price)
    chart_days = []
    for i in range(days):
        d = first + timedelta(days=i)
        prices = by_day.get(d, [])
        chart_days.append(
            ChartDay(
                d,
                min(prices) if prices else None,
                max(prices) if prices else None,
                len(prices),
                any(is_above(item, p) for p in prices),
            )
        )
    return PriceChart(market, item, chart_days, list(reversed(rows)), ceiling_of(item))


def recent_observations(*, user, by_user: bool = True, limit: int = 20) -> list[PriceObservation]:
    rows = price_observations_visible(user=user)
    if by_user:
        rows = rows.filter(by=user)
    return list(rows.order_by("-observed_at", "-pk")[:limit])
