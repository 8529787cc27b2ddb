"""Deliveries: open requests packed at a stock point for a courier (idempotent; all or nothing), sent out (the
households get their door codes), confirmed at the door with the recipient's code; a request raised by the
community for a household."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate

from .. import deliveries
from ..models import Delivery
from . import ERRORS, router
from .requests import SupplyOut, _supply


class LineOut(Schema):
    request_id: int
    item: str
    unit: str
    quantity: Decimal


class DeliveryOut(Schema):
    id: int
    point_id: int
    point: str
    building: str | None
    courier: str
    state: str  # packed, out, done
    created_at: datetime
    out_at: datetime | None
    done_at: datetime | None
    requests: list[int]
    lines: list[LineOut]


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    count: int


def _delivery(d: Delivery) -> dict:
    requests = list(d.requests.order_by("pk").prefetch_related("lines__goods"))
    return {
        "id": d.pk,
        "point_id": d.point_id,
        "point": d.point.name,
        "building": d.building.name if d.building else None,
        "courier": d.courier,
        "state": d.state,
        "created_at": d.created_at,
        "out_at": d.out_at,
        "done_at": d.done_at,
        "requests": [r.pk for r in requests],
        "lines": [
            {"request_id": r.pk, "item": ln.goods.name, "unit": ln.goods.unit, "quantity": ln.quantity}
            for r in requests
            for ln in r.lines.all()
        ],
    }


@router.get("/deliveries", response={200: DeliveryPage, **ERRORS})
def delivery_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    qs = deliveries.deliveries_visible(user=request.user)
    if state:
        qs = qs.filter(state=state)
    rows, total = paginate(qs, page, page_size)
    return {"items": [_delivery(d) for d in rows], "count": total}


@router.post("/deliveries", response={201: DeliveryOut, **ERRORS})
def delivery_pack(request, payload: deliveries.DeliveryPackInput):
    """Pack open requests at a stock point: each line's goods leave its stock (a line beyond the stock refuses the
    whole batch, naming the line: 400 `not_in_stock`). Send `Idempotency-Key`: a retry is answered, not packed
    twice."""

    def run():
        return 201, _delivery(deliveries.delivery_pack(actor=request.user, **payload.dict()))

    return Status(*idempotent(request, "delivery.pack", run))


@router.post("/deliveries/{int:delivery_id}/dispatch", response={200: DeliveryOut, **ERRORS})
def delivery_dispatch(request, delivery_id: int):
    """The courier sets out; each household is texted its door code."""
    return _delivery(deliveries.delivery_dispatch(actor=request.user, delivery_id=delivery_id))


@router.post("/supply-requests/{int:request_id}/confirm", response={200: SupplyOut, **ERRORS})
def supply_request_confirm(request, request_id: int, payload: deliveries.SupplyRequestConfirmInput):
    """The recipient's code, entered at the door: 400 `wrong_code` (counted), `code_locked` after five."""
    return _supply(deliveries.supply_request_confirm(actor=request.user, request_id=request_id, **payload.dict()))


@router.post("/supply-requests", response={201: SupplyOut, **ERRORS})
def supply_request_raise(request, payload: deliveries.SupplyRequestRaiseInput):
    """The community raises a request for a household in its reach (idempotent with `Idempotency-Key`)."""

    def run():
        return 201, _supply(deliveries.supply_request_raise(actor=request.user, **payload.dict()))

    return Status(*idempotent(request, "supply.raise", run))
