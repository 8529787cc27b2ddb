"""Stock pages: the points in reach with their shortages (and the forms to set up a point and, for HQ, a kind of
goods); a point's stock, its goods in and out, thresholds and ledger."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap
from fangkong.registry.selectors import jurisdictions_within

from .. import stock
from ..models import Goods, StockMovement, StockPoint


def _list_context(request, **extra) -> dict:
    points = list(stock.stock_points_visible(user=request.user)[:300])
    return {
        "summaries": stock.stock_points_summary(points),
        "kinds": StockPoint.Kind.choices,
        "places": jurisdictions_within(user=request.user, cap=Cap.LIVELIHOOD_WORK).filter(retired_on__isnull=True),
        "goods": stock.goods_all(user=request.user),
        "categories": Goods.Category.choices,
        "hq": stock.goods_may_add(user=request.user),
        **extra,
    }


@scoped
def stock_points(request):
    if not has_cap(request.user, Cap.LIVELIHOOD_WORK):
        raise NotFound
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "goods":
                goods = stock.goods_create(actor=request.user, **stock.GoodsCreateInput.from_form(request.POST).dict())
                messages.success(request, _("%(name)s added to the district's goods.") % {"name": goods.name})
                return redirect("livelihood:stock_points")
            data = stock.StockPointCreateInput.from_form(request.POST)
            point = stock.stock_point_create(actor=request.user, **data.dict())
            messages.success(request, _("Stock point %(name)s set up.") % {"name": point.name})
            return redirect("livelihood:stock_point", point.pk)
        except FieldError as exc:
            context = _list_context(request, error=exc, action=action or "point", form=request.POST)
            return render(request, "livelihood/stock/points.html", context, status=400)
    return render(request, "livelihood/stock/points.html", _list_context(request, form={}))


def _point_context(request, point: StockPoint, **extra) -> dict:
    page, query = page_of(request, stock.movements_of(point), size=30)
    return {
        "point": point,
        "levels": stock.stock_of(point),
        "goods": stock.goods_all(user=request.user),
        "directions": StockMovement.Direction.choices,
        "reasons": StockMovement.Reason.choices,
        "page": page,
        "query": query,
        "key": uuid.uuid4().hex,  # a fresh key per form: a double tap records one movement
        **extra,
    }


@scoped
def stock_point(request, point_id: int):
    point = stock.stock_point_get(user=request.user, point_id=point_id)
    if request.method != "POST":
        return render(request, "livelihood/stock/point.html", _point_context(request, point, form={}))
    action = request.POST.get("action", "")
    try:
        if action == "threshold":
            data = stock.StockThresholdInput.from_form(request.POST)
            level = stock.stock_threshold_set(actor=request.user, point_id=point.pk, **data.dict())
            messages.success(
                request,
                _("%(goods)s: short below %(n)s %(unit)s.")
                % {"goods": level.goods.name, "n": _n(level.threshold), "unit": level.goods.unit},
            )
            return redirect("livelihood:stock_point", point.pk)

        def run() -> tuple[int, dict]:
            m = stock.stock_move(
                actor=request.user, point_id=point.pk, **stock.StockMoveInput.from_form(request.POST).dict()
            )
            return 201, {"movement": m.pk}

        _status, body = idempotent(request, f"page-stock:{point.pk}", run, key=request.POST.get("key", "")[:64])
    except FieldError as exc:
        context = _point_context(request, point, error=exc, action=action or "move", form=request.POST)
        return render(request, "livelihood/stock/point.html", context, status=400)
    moved = StockMovement.objects.filter(pk=body.get("movement") or 0, point=point).select_related("goods").first()
    if moved is not None:
        messages.success(
            request,
            _("%(direction)s: %(n)s %(unit)s of %(goods)s; %(balance)s %(unit)s in stock now.")
            % {
                "direction": moved.get_direction_display(),
                "n": _n(moved.quantity),
                "unit": moved.goods.unit,
                "goods": moved.goods.name,
                "balance": _n(moved.balance),
            },
        )
    return redirect("livelihood:stock_point", point.pk)


def _n(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


urlpatterns = [
    path("stock/", stock_points, name="stock_points"),
    path("stock/<int:point_id>/", stock_point, name="stock_point"),
]
