"""Livelihood on the command hall and the desk (registered in apps.py): supply requests open and those past
their time limit, price cases open and the public's price reports joined to none; on a community's desk the
requests to deliver and the volunteers to answer, on the market regulator's the cases and reports to handle."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, covers, list_url
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap, scope_for

from .models import PriceCase, PriceReport, StockLevel, SupplyRequest, Volunteer

# How long a household under a zone may wait for what it asked, from the request to the door: the district's
# usual promise (urgent — medicine, infants, the sick — the same day within hours; the rest within a day).
LIMITS = {True: timedelta(hours=4), False: timedelta(hours=24)}
OPEN = (SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED)


def _late_q(now: datetime) -> Q:
    return Q(urgent=True, created_at__lt=now - LIMITS[True]) | Q(urgent=False, created_at__lt=now - LIMITS[False])


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    figures = []
    if covers(user, Cap.LIVELIHOOD_WORK, area):
        counts = SupplyRequest.objects.filter(Q(jpath__startswith=area.path), state__in=OPEN).aggregate(
            n=Count("pk"), late=Count("pk", filter=_late_q(now)), urgent=Count("pk", filter=Q(urgent=True))
        )
        url = list_url(reverse("livelihood:community"), area)
        figures += [
            Figure("supply_open", _("Supply requests open"), counts["n"], url=url),
            Figure("supply_urgent", _("Urgent supply requests open"), counts["urgent"], url=url, tone="warn"),
            Figure("supply_late", _("Supply requests past their limit"), counts["late"], url=url, tone="bad"),
            Figure(
                "stock_short",
                _("Stock points short of goods"),
                _short_points(Q(point__jpath__startswith=area.path)),
                url=reverse("livelihood:stock_points"),
                tone="bad",
            ),
        ]
    # The public's price reports name a shop, not a jurisdiction: the district's hall only. The cases are at
    # markets, and counted where the market is.
    if has_cap(user, Cap.PRICE_WATCH):
        from .price_watch import price_cases_visible

        cases = (
            price_cases_visible(user=user)
            .filter(jpath__startswith=area.path, state=PriceCase.State.OPEN)
            .order_by()
            .count()
        )
        figures.append(
            Figure("price_cases_open", _("Price cases open"), cases, url=reverse("livelihood:price_cases"), tone="bad")
        )
        if area.path.count("/") == 1:
            n = PriceReport.objects.filter(state=PriceReport.State.RECEIVED, case__isnull=True).count()
            figures.append(
                Figure(
                    "price_reports_open",
                    _("Price reports joined to no case"),
                    n,
                    url=reverse("livelihood:prices"),
                    tone="warn",
                )
            )
    return figures


def supplies_to_deliver(user) -> Todo | None:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return None
    counts = SupplyRequest.objects.filter(scope.q(), state__in=OPEN).aggregate(
        n=Count("pk"), late=Count("pk", filter=_late_q(clock.now()))
    )
    return Todo(
        "livelihood.supplies",
        _("Supply requests to deliver"),
        counts["n"],
        reverse("livelihood:community"),
        overdue=counts["late"],
    )


def _short_points(where: Q) -> int:
    """Stock points (open) holding some kind of goods below its threshold."""
    return (
        StockLevel.objects.filter(where, point__active=True, quantity__lt=F("threshold"))
        .values("point_id")
        .distinct()
        .count()
    )


def stock_short(user) -> Todo | None:
    """Stock points in reach short of some goods: restock them (from the warehouse, a supplier, donations)."""
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return None
    n = _short_points(scope.q("point__jpath"))
    return Todo("livelihood.stock", _("Stock points short of goods"), n, reverse("livelihood:stock_points"))


def volunteers_to_answer(user) -> Todo | None:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return None
    n = Volunteer.objects.filter(scope.q(), state=Volunteer.State.APPLIED).count()
    return Todo("livelihood.volunteers", _("Volunteers to answer"), n, reverse("livelihood:community"))


def price_reports_to_handle(user) -> Todo | None:
    """The market regulator's to-do: the open price cases, and the public's reports joined to no case yet."""
    from .price_watch import can_watch, price_todo_counts

    if not can_watch(user):
        return None
    cases, reports = price_todo_counts(user=user)
    url = reverse("livelihood:price_cases") if cases or not reports else reverse("livelihood:prices")
    return Todo("livelihood.prices", _("Price cases and reports to handle"), cases + reports, url)
