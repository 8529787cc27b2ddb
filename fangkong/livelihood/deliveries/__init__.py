"""Deliveries (issue 20, point 2): supply requests fulfilled from a stock point, batched by building for a courier,
confirmed by the recipient (the code at the door, or on their own phone); special needs first; late urgent requests
on the hall; each step on the household's /me/ page."""

from __future__ import annotations

from .reading import (
    BuildingBatch,
    Step,
    building_of,
    by_building,
    courier_doors,
    deliveries_visible,
    delivery_get,
    door_code,
    priority,
    requests_to_pack,
    steps_of,
)
from .writing import (
    LATE_ALERT,
    MAX_TRIES,
    DeliveryPackInput,
    LineIn,
    SupplyRequestConfirmInput,
    SupplyRequestRaiseInput,
    delivery_dispatch,
    delivery_pack,
    supply_request_confirm,
    supply_request_raise,
    supply_request_received,
    sweep_late,
)

__all__ = [
    "LATE_ALERT",
    "MAX_TRIES",
    "BuildingBatch",
    "DeliveryPackInput",
    "LineIn",
    "Step",
    "SupplyRequestConfirmInput",
    "SupplyRequestRaiseInput",
    "building_of",
    "by_building",
    "courier_doors",
    "deliveries_visible",
    "delivery_dispatch",
    "delivery_get",
    "delivery_pack",
    "door_code",
    "priority",
    "requests_to_pack",
    "steps_of",
    "supply_request_confirm",
    "supply_request_raise",
    "supply_request_received",
    "sweep_late",
]
