"""Screening pages. Thin: parse, call a selector or service, render. Phone-first for checkpoint and grid work."""

from __future__ import annotations

from .checkpoints import checkpoint_list, checkpoint_lookup, checkpoint_register, pass_request_new, passage_list
from .discipline import pass_request_list, travel_action, travel_list, violation_action, violation_list
from .followups import followup_action, followup_detail, followup_list, reconciliation
from .protocol import protocol_page, risk_area_list, shift_page

__all__ = [
    "checkpoint_list",
    "checkpoint_lookup",
    "checkpoint_register",
    "followup_action",
    "followup_detail",
    "followup_list",
    "pass_request_list",
    "pass_request_new",
    "passage_list",
    "protocol_page",
    "reconciliation",
    "risk_area_list",
    "shift_page",
    "travel_action",
    "travel_list",
    "violation_action",
    "violation_list",
]
