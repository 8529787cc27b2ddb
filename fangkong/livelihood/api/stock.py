"""Stock points and their goods: the points in reach, a point's stock and ledger, goods in and out (idempotent: a
retried movement is never counted twice), thresholds, the district's list of goods."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate
from fangkong.registry.api import Ref

from .. import stock
from ..models import Goods, StockLevel, StockMovement
from . import ERRORS, router


class StockPointOut(Schema):
    id: int
    name: str
    kind: str
    jurisdiction: Ref
    address: str
    kinds: int  # kinds of goods held
    short: int  # kinds below their threshold
    waiting: int  # supply requests of its area open past its limit


class StockPointPage(Schema):
    items: list[StockPointOut]
    count: int


class StockLevelOut(Schema):
    goods_id: int
    item: str
    unit: str
    quantity: Decimal
    threshold: Decimal
    short: bool


class StockOut(Schema):
    items: list[StockLevelOut]


class MovementOut(Schema):
    id: int
    goods_id: int
    item: str
    unit: str
    direction: str
    quantity: Decimal
    balance: Decimal
    reason: str
    source: str
    note: str
    at: datetime
    by: str


class MovementPage(Schema):
    items: list[MovementOut]
    count: int


class MovedOut(Schema):
    """The answer to a movement: the goods' new quantity at the point, and the ledger's row."""

    item: str
    unit: str
    quantity: Decimal
    movement_id: int


class GoodsOut(Schema):
    id: int
    name: str
    unit: str
    category: str


def _point(summary: stock.PointSummary) -> dict:
    p = summary.point
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "jurisdiction": {"id": p.jurisdiction_id, "name": p.jurisdiction.name},
        "address": p.address,
        "kinds": summary.kinds,
        "short": summary.short,
        "waiting": summary.waiting,
    }


def _level(lv: StockLevel) -> dict:
    return {
        "goods_id": lv.goods_id,
        "item": lv.goods.name,
        "unit": lv.goods.unit,
        "quantity": lv.quantity,
        "threshold": lv.threshold,
        "short": lv.short,
    }


def _movement(m: StockMovement) -> dict:
    return {
        "id": m.pk,
        "goods_id": m.goods_id,
        "item": m.goods.name,
        "unit": m.goods.unit,
        "direction": m.direction,
        "quantity": m.quantity,
        "balance": m.balance,
        "reason": m.reason,
        "source": m.source,
        "note": m.note,
        "at": m.at,
        "by": m.by.username,
    }


def _goods(g: Goods) -> dict:
    return {"id": g.pk, "name": g.name, "unit": g.unit, "category": g.category}


@router.get("/stock-points", response={200: StockPointPage, **ERRORS})
def stock_point_list(request, page: int = 1, page_size: int | None = None):
    """The stock points in the caller's reach, each with its shortages."""
    rows, total = paginate(stock.stock_points_visible(user=request.user), page, page_size)
    return {"items": [_point(s) for s in stock.stock_points_summary(rows)], "count": total}


@router.post("/stock-points", response={201: StockPointOut, **ERRORS})
def stock_point_create(request, payload: stock.StockPointCreateInput):
    point = stock.stock_point_create(actor=request.user, **payload.dict())
    return Status(201, _point(stock.stock_points_summary([point])[0]))


@router.get("/stock-points/{int:point_id}/stock", response={200: StockOut, **ERRORS})
def stock_point_stock(request, point_id: int):
    point = stock.stock_point_get(user=request.user, point_id=point_id)
    return {"items": [_level(lv) for lv in stock.stock_of(point)]}


@router.get("/stock-points/{int:point_id}/movements", response={200: MovementPage, **ERRORS})
def stock_point_movements(request, point_id: int, page: int = 1, page_size: int | None = None):
    point = stock.stock_point_get(user=request.user, point_id=point_id)
    rows, total = paginate(stock.movements_of(point), page, page_size)
    return {"items": [_movement(m) for m in rows], "count": total}


@router.post("/stock-points/{int:point_id}/movements", response={201: MovedOut, **ERRORS})
def stock_point_move(request, point_id: int, payload: stock.StockMoveInput):
    """Goods in or out (`direction`), `item` the goods' id or name. Out beyond the stock: 400 `not_in_stock`,
    nothing changed. Send `Idempotency-Key` so that a retry is answered, not counted again."""

    def run():
        m = stock.stock_move(actor=request.user, point_id=point_id, **payload.dict())
        return 201, {"item": m.goods.name, "unit": m.goods.unit, "quantity": m.balance, "movement_id": m.pk}

    return Status(*idempotent(request, f"stock.move:{point_id}", run))


@router.post("/stock-points/{int:point_id}/thresholds", response={200: StockLevelOut, **ERRORS})
def stock_point_threshold(request, point_id: int, payload: stock.StockThresholdInput):
    level = stock.stock_threshold_set(actor=request.user, point_id=point_id, **payload.dict())
    return _level(level)


@router.get("/goods", response={200: list[GoodsOut], **ERRORS})
def goods_list(request):
    """The district's kinds of goods (for anyone who works stock)."""
    return [_goods(g) for g in stock.goods_all(user=request.user)]


@router.post("/goods", response={201: GoodsOut, **ERRORS})
def goods_create(request, payload: stock.GoodsCreateInput):
    return Status(201, _goods(stock.goods_create(actor=request.user, **payload.dict())))
