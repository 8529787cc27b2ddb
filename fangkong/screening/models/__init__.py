"""Inbound screening: risk areas and their protocol, checkpoints, passages, closed-loop follow-ups,
pass-without-registration requests, travel reports (离盘报备) and violations.

Time-based states (a follow-up "missed", a report "overdue") are derived from timestamps when read
(core.clock.now()), never stored, so they are right without a scheduler."""

from __future__ import annotations

from .checkpoints import ArrivalCount, Checkpoint, Passage, Shift
from .followups import FollowUp, FollowUpTest
from .protocol import (
    CONFIG_TTL,
    DEFAULT_PROTOCOL,
    Instruction,
    Measure,
    RiskArea,
    RiskLevel,
    RiskProtocol,
    ScreeningSettings,
    risk_areas_all,
)
from .travel import PassRequest, TravelReport, Violation

__all__ = [
    "CONFIG_TTL",
    "DEFAULT_PROTOCOL",
    "ArrivalCount",
    "Checkpoint",
    "FollowUp",
    "FollowUpTest",
    "Instruction",
    "Measure",
    "PassRequest",
    "Passage",
    "RiskArea",
    "RiskLevel",
    "RiskProtocol",
    "ScreeningSettings",
    "Shift",
    "TravelReport",
    "Violation",
    "risk_areas_all",
]
