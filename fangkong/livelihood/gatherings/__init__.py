"""Gatherings (issue 20, point 7): weddings, funerals, markets, performances and religious services registered
ahead with their expected size and place, approved, approved with conditions or refused at once by the size limits
in force for the strictest zone over the place (data the district edits); none in sealed or controlled zones."""

from __future__ import annotations

from .registering import (
    GatheringCancelInput,
    GatheringRegisterInput,
    decision_now,
    gathering_cancel,
    gathering_get,
    gathering_register,
    gatherings_visible,
)
from .rules import (
    DEFAULT_LIMITS,
    Decision,
    GatheringLimitSetInput,
    decide,
    ensure_default_limits,
    gathering_limit_set,
    level_name,
    limits_all,
    limits_may_edit,
    zone_over,
)

__all__ = [
    "DEFAULT_LIMITS",
    "Decision",
    "GatheringCancelInput",
    "GatheringLimitSetInput",
    "GatheringRegisterInput",
    "decide",
    "decision_now",
    "ensure_default_limits",
    "gathering_cancel",
    "gathering_get",
    "gathering_limit_set",
    "gathering_register",
    "gatherings_visible",
    "level_name",
    "limits_all",
    "limits_may_edit",
    "zone_over",
]
