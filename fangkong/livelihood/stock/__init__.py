"""Stock points and their goods (issue 20, point 1): warehouses, supermarkets and community stations holding rice,
oil, vegetables, medicine, infant formula …; goods in and out, every movement in the ledger with the balance after
it; shortages flagged — below a point's threshold, or supply requests waiting past the point's limit."""

from __future__ import annotations

from .reading import (
    PointSummary,
    goods_all,
    goods_may_add,
    movements_of,
    stock_of,
    stock_point_get,
    stock_points_summary,
    stock_points_visible,
)
from .writing import (
    GoodsCreateInput,
    StockMoveInput,
    StockPointCreateInput,
    StockThresholdInput,
    goods_create,
    stock_move,
    stock_point_create,
    stock_threshold_set,
)

__all__ = [
    "GoodsCreateInput",
    "PointSummary",
    "StockMoveInput",
    "StockPointCreateInput",
    "StockThresholdInput",
    "goods_all",
    "goods_create",
    "goods_may_add",
    "movements_of",
    "stock_move",
    "stock_of",
    "stock_point_create",
    "stock_point_get",
    "stock_points_summary",
    "stock_points_visible",
    "stock_threshold_set",
]
