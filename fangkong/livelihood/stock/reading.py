"""Reading stock: the points in a user's reach (livelihood work over the point's jurisdiction), one point's levels
and ledger, and the shortages the list flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet

from fangkong.core import clock
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, one_in_reach, scope_for

from ..models import Goods, StockLevel, StockMovement, StockPoint, SupplyRequest

OPEN_REQUESTS = [SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED]


def stock_points_visible(*, user) -> QuerySet[StockPoint]:
    """The stock points a user works: those in their reach for livelihood work (a community its own stations, the
    street its communities', HQ all)."""
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return StockPoint.objects.none()
    return StockPoint.objects.filter(scope.q("jpath")).select_related("jurisdiction").order_by("jpath", "name")


def stock_point_get(*, user, point_id: int, for_update: bool = False) -> StockPoint:
    """The one access path to a stock point: in the user's reach, else 404 (as for no point at all)."""
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)  # before any look-up: the refusal must not depend on what exists
    points = StockPoint.objects.filter(scope.q("jpath")).select_related("jurisdiction")
    return one_in_reach(points, point_id, for_update=for_update)


def goods_all(*, user, active_only: bool = True) -> list[Goods]:
    """The district's kinds of goods: one list every stock worker chooses from (not personal, so not narrowed by
    jurisdiction), for those who work livelihood somewhere."""
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    qs = Goods.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("category", "name"))


def goods_may_add(*, user) -> bool:
    """Whether the user keeps the district's list of goods: livelihood work over the whole district (HQ)."""
    return scope_for(user, Cap.LIVELIHOOD_WORK).district_wide


def stock_of(point: StockPoint) -> list[StockLevel]:
    """A point's levels, the short ones first."""
    levels = list(point.levels.select_related("goods"))
    levels.sort(key=lambda lv: (not lv.short, lv.goods.category, lv.goods.name))
    return levels


def movements_of(point: StockPoint) -> QuerySet[StockMovement]:
    return point.movements.select_related("goods", "by").order_by("-at", "-id")


@dataclass(frozen=True)
class PointSummary:
    point: StockPoint
    kinds: int  # kinds of goods held
    short: int  # of which below the threshold
    waiting: int  # supply requests in its area open past its limit

    @property
    def flagged(self) -> bool:
        return bool(self.short or self.waiting)


def stock_points_summary(points: list[StockPoint]) -> list[PointSummary]:
    """Each point with its shortages: kinds below their threshold (one grouped query for all points) and the supply
    requests of its area open past its limit (one count per point: a page shows a few dozen points)."""
    ids = [p.pk for p in points]
    counts: dict[int, dict] = {
        row["point_id"]: dict(row)
        for row in StockLevel.objects.filter(point_id__in=ids)
        .values("point_id")
        .annotate(
            held=Count("pk", filter=Q(quantity__gt=0)),
            below=Count("pk", filter=Q(quantity__lt=F("threshold"))),
        )
        .order_by()
    }
    now = clock.now()
    out = []
    for p in points:
        row = counts.get(p.pk, {})
        waiting = SupplyRequest.objects.filter(
            jpath__startswith=p.jpath,
            state__in=OPEN_REQUESTS,
            created_at__lt=now - timedelta(hours=p.open_limit_hours),
        ).count()
        out.append(PointSummary(p, int(row.get("held", 0)), int(row.get("below", 0)), waiting))
    return out
