"""Price monitoring pages: the public's reports (joined to cases or decided on their own), the cases, recording a
price on a phone, an item's price chart at a market, and the district's lists of markets and goods watched."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id, param_int
from fangkong.core.scoping import NotFound

from .. import price_watch as pw
from .. import selectors, services
from ..models import Market, PriceCase, PriceReport


def _watcher(request) -> None:
    if not pw.can_watch(request.user):
        raise NotFound


def _yuan(value) -> str:
    return f"¥{value:,.2f}"


@scoped
def prices(request):
    """The public's price reports: each joined to a market's case, or decided on its own."""
    _watcher(request)
    if request.method == "POST":
        try:
            data = services.PriceReportDecideInput.from_form(request.POST)
            services.price_report_decide(
                actor=request.user, report_id=param_id(request.POST, "report") or 0, **data.dict()
            )
            messages.success(request, _("Saved."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("livelihood:prices")
    return render(
        request,
        "livelihood/prices.html",
        {
            "reports": selectors.price_reports_visible(user=request.user)[:300],
            "states": PriceReport.State,
            "tab": "reports",
        },
    )


@scoped
def price_report(request, report_id: int):
    """Join a report to the case of the market it names."""
    _watcher(request)
    report = pw.price_report_get(user=request.user, id=report_id)
    error = None
    if request.method == "POST":
        try:
            data = pw.PriceReportLinkInput.from_form(request.POST)
            linked = pw.price_report_link(actor=request.user, report_id=report.pk, **data.dict())
            messages.success(request, _("The report joined case %(n)s.") % {"n": linked.case_id})
            return redirect("livelihood:price_case", case_id=linked.case_id)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "livelihood/price_report.html",
        {
            "report": report,
            "markets": pw.markets_visible(user=request.user, active_only=True),
            "items": pw.price_items_visible(user=request.user, active_only=True),
            "form": request.POST if error else {"hoarding": report.hoarding},
            "error": error,
            "tab": "reports",
        },
        status=400 if error else 200,
    )


@scoped
def price_cases(request):
    _watcher(request)
    show = request.GET.get("show", "open")
    rows = pw.price_cases_visible(user=request.user)
    if show == "open":
        rows = rows.filter(state=PriceCase.State.OPEN)
    elif show == "closed":
        rows = rows.exclude(state=PriceCase.State.OPEN)
    else:
        show = "all"
    page, query = page_of(request, rows)
    _cases, unlinked = pw.price_todo_counts(user=request.user)
    return render(
        request,
        "livelihood/price_cases.html",
        {"page": page, "query": query, "show": show, "unlinked": unlinked, "tab": "cases"},
    )


@scoped
def price_case(request, case_id: int):
    _watcher(request)
    case = pw.price_case_get(user=request.user, id=case_id)
    error = None
    if request.method == "POST":
        try:
            data = pw.PriceCaseCloseInput.from_form(request.POST)
            closed = pw.price_case_close(actor=request.user, case_id=case.pk, **data.dict())
            n = closed.reports.count()
            messages.success(
                request,
                _("Case closed: %(outcome)s. Reports closed with it: %(n)d.")
                % {"outcome": closed.get_state_display(), "n": n},
            )
            return redirect("livelihood:price_case", case_id=case.pk)
        except FieldError as exc:
            error = exc
    observations, reports = pw.case_evidence(case)
    return render(
        request,
        "livelihood/price_case.html",
        {
            "case": case,
            "observations": observations,
            "reports": reports,
            "ceiling": pw.ceiling_of(case.item) if case.item else None,
            "error": error,
            "form": request.POST if error else {},
            "tab": "cases",
        },
        status=400 if error else 200,
    )


@scoped
def price_record(request):
    """The inspector's form, made for a phone: the market stays chosen for the next goods."""
    _watcher(request)
    error = None
    if request.method == "POST":
        try:
            data = pw.PriceObservationRecordInput.from_form(request.POST)
            o = pw.price_observation_record(actor=request.user, **data.dict())
            values = {
                "price": _yuan(o.price),
                "item": o.item.name,
                "market": o.market.name,
                "ceiling": _yuan(pw.ceiling_of(o.item)),
                "case": o.case_id,
            }
            if o.case_id is None:
                within = _("Recorded %(price)s for %(item)s at %(market)s: within the ceiling of %(ceiling)s.")
                messages.success(request, within % values)
            else:
                above = _(
                    "Recorded %(price)s for %(item)s at %(market)s: above the ceiling of %(ceiling)s — evidence in "
                    "case %(case)s."
                )
                messages.warning(request, above % values)
            return redirect(reverse("livelihood:price_record") + f"?market={o.market_id}")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "livelihood/price_record.html",
        {
            "markets": pw.markets_visible(user=request.user, active_only=True),
            "items": [(i, pw.ceiling_of(i)) for i in pw.price_items_visible(user=request.user, active_only=True)],
            "chosen_market": param_id(request.POST, "market_id") if error else param_id(request.GET, "market"),
            "form": request.POST if error else {},
            "error": error,
            "recent": pw.recent_observations(user=request.user, limit=10),
            "tab": "record",
        },
        status=400 if error else 200,
    )


@scoped
def price_chart(request):
    """An item's prices at a market, day by day, against its baseline and ceiling."""
    _watcher(request)
    market_id, item_id = param_id(request.GET, "market"), param_id(request.GET, "item")
    days = param_int(request.GET, "days", pw.CHART_DAYS) or pw.CHART_DAYS
    chart = None
    if market_id and item_id:
        chart = pw.price_chart(user=request.user, market_id=market_id, item_id=item_id, days=days)
    labels = {
        "high": _("Highest price of the day"),
        "low": _("Lowest price of the day"),
        "ceiling": _("Ceiling"),
        "baseline": _("Baseline"),
    }
    return render(
        request,
        "livelihood/price_chart.html",
        {
            "markets": pw.markets_visible(user=request.user),
            "items": pw.price_items_visible(user=request.user),
            "market_id": market_id,
            "item_id": item_id,
            "days": max(1, min(days, 366)),
            "chart": chart,
            "chart_json": json.dumps(chart.as_data(labels), ensure_ascii=False) if chart else "",
            "tab": "chart",
        },
    )


@scoped
def price_markets(request):
    """The markets watched; district-wide watchers add and change them."""
    _watcher(request)
    can_manage = pw.can_manage(request.user)
    error, editing = None, None
    if request.method == "POST":
        try:
            market_id = param_id(request.POST, "market")
            if market_id:
                data = pw.MarketUpdateInput.from_form(request.POST)
                m = pw.market_update(actor=request.user, market_id=market_id, **data.dict())
                messages.success(request, _("Market %(name)s saved.") % {"name": m.name})
            else:
                created = pw.MarketCreateInput.from_form(request.POST)
                m = pw.market_create(actor=request.user, **created.dict())
                messages.success(request, _("Market %(name)s added.") % {"name": m.name})
            return redirect("livelihood:price_markets")
        except FieldError as exc:
            error = exc
    if can_manage and (edit_id := param_id(request.GET, "edit")):
        editing = pw.markets_visible(user=request.user).filter(pk=edit_id).first()
    page, query = page_of(request, pw.markets_visible(user=request.user).order_by("-active", "jpath", "name"))
    return render(
        request,
        "livelihood/price_markets.html",
        {
            "page": page,
            "query": query,
            "can_manage": can_manage,
            "places": pw.market_places(user=request.user) if can_manage else [],
            "kinds": Market.Kind.choices,
            "editing": editing,
            "form": request.POST if error else _market_form(editing),
            "error": error,
            "tab": "markets",
        },
        status=400 if error else 200,
    )


def _market_form(m: Market | None) -> dict:
    if m is None:
        return {"kind": Market.Kind.MARKET}
    return {
        "market": m.pk,
        "name": m.name,
        "kind": m.kind,
        "jurisdiction_id": str(m.jurisdiction_id),
        "address": m.address,
        "active": m.active,
    }


@scoped
def price_items(request):
    """The goods watched, with baseline, margin and ceiling; district-wide watchers add and change them."""
    _watcher(request)
    can_manage = pw.can_manage(request.user)
    error, editing = None, None
    if request.method == "POST":
        try:
            item_id = param_id(request.POST, "item")
            if item_id:
                data = pw.PriceItemUpdateInput.from_form(request.POST)
                i = pw.price_item_update(actor=request.user, item_id=item_id, **data.dict())
                messages.success(request, _("%(name)s saved.") % {"name": i.name})
            else:
                created = pw.PriceItemCreateInput.from_form(request.POST)
                i = pw.price_item_create(actor=request.user, **created.dict())
                messages.success(request, _("%(name)s is watched now.") % {"name": i.name})
            return redirect("livelihood:price_items")
        except FieldError as exc:
            error = exc
    if can_manage and (edit_id := param_id(request.GET, "edit")):
        editing = pw.price_items_visible(user=request.user).filter(pk=edit_id).first()
    rows = pw.price_items_visible(user=request.user).order_by("-active", "name")
    return render(
        request,
        "livelihood/price_items.html",
        {
            "items": [(i, pw.ceiling_of(i)) for i in rows[:500]],
            "can_manage": can_manage,
            "editing": editing,
            "form": request.POST if error else _item_form(editing),
            "error": error,
            "tab": "items",
        },
        status=400 if error else 200,
    )


def _item_form(i) -> dict:
    if i is None:
        return {"margin_percent": "20"}
    return {
        "item": i.pk,
        "name": i.name,
        "unit": i.unit,
        "baseline": str(i.baseline),
        "margin_percent": str(i.margin_percent),
        "active": i.active,
    }


urlpatterns = [
    path("prices/", prices, name="prices"),
    path("prices/reports/<int:report_id>/", price_report, name="price_report"),
    path("prices/cases/", price_cases, name="price_cases"),
    path("prices/cases/<int:case_id>/", price_case, name="price_case"),
    path("prices/record/", price_record, name="price_record"),
    path("prices/chart/", price_chart, name="price_chart"),
    path("prices/markets/", price_markets, name="price_markets"),
    path("prices/items/", price_items, name="price_items"),
]
