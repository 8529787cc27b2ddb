"""Zones: proposed by one person (or drafted by the platform for a confirmed case), approved by another, lifted
against the protocol's criteria.

Who is inside: the residents of the listed compounds, buildings and households, and everybody registered in the
listed jurisdictions. Approving or lifting a zone rewrites the status of all of them in the same transaction.
"""

from __future__ import annotations

from .decisions import ZoneLiftInput, zone_approve, zone_lift, zone_lift_reject, zone_reject
from .drafting import ZoneDraftingInput, home_compound, strictest_level, zone_draft_for_case, zone_drafting_set
from .inside import households_in, people_in_zone, people_in_zone_ids
from .lifting import Criterion, LiftOutlook, RoundNeeded, lift_outlook, lifting_criteria
from .reading import zone_cases, zone_drafting_state
from .requests import ZONE_PLACE_KINDS, ZoneRequestInput, level_label, zone_request

__all__ = [
    "ZONE_PLACE_KINDS",
    "Criterion",
    "LiftOutlook",
    "RoundNeeded",
    "ZoneDraftingInput",
    "ZoneLiftInput",
    "ZoneRequestInput",
    "home_compound",
    "households_in",
    "level_label",
    "lift_outlook",
    "lifting_criteria",
    "people_in_zone",
    "people_in_zone_ids",
    "strictest_level",
    "zone_approve",
    "zone_cases",
    "zone_draft_for_case",
    "zone_drafting_set",
    "zone_drafting_state",
    "zone_lift",
    "zone_lift_reject",
    "zone_reject",
    "zone_request",
]
