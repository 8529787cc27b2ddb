"""Logistics channel passes (issue 20, point 3): vehicles carrying essential goods apply (goods, route, driver,
validity), the transport department approves, checkpoints see valid passes when registering the vehicle."""

from __future__ import annotations

from .passes import (
    LogisticsPassApplyInput,
    LogisticsPassDecideInput,
    LogisticsPassRevokeInput,
    VehiclePass,
    logistics_pass_apply,
    logistics_pass_decide,
    logistics_pass_revoke,
    logistics_pass_status,
    pass_get,
    passes_for_plate,
    passes_visible,
    route_choices,
    route_names,
    vehicle_notes,
)

__all__ = [
    "LogisticsPassApplyInput",
    "LogisticsPassDecideInput",
    "LogisticsPassRevokeInput",
    "VehiclePass",
    "logistics_pass_apply",
    "logistics_pass_decide",
    "logistics_pass_revoke",
    "logistics_pass_status",
    "pass_get",
    "passes_for_plate",
    "passes_visible",
    "route_choices",
    "route_names",
    "vehicle_notes",
]
