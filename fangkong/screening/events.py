"""The facts screening announces (core.events), with their payloads: ids, never personal data. Subscribers import
the names from here; docs/architecture.md lists who listens."""

from __future__ import annotations

from typing import TypedDict

FOLLOWUP_OPENED = "screening.followup_opened"  # an arrival from a risk area starts a closed-loop case
FOLLOWUP_RELEASED = "screening.followup_released"  # the case is released


class FollowupChanged(TypedDict):
    person_id: int
    followup_id: int


# The command hall's alerts screening raises (core.alerts; the kinds are registered in apps.py).
OFFLINE_DIFFERENCE = "screening.offline_difference"  # decided offline otherwise (milder, or no leader)
HIGH_RISK_ARRIVAL = "screening.high_risk_arrival"  # an arrival from a high-risk area, at the checkpoint
CONTACT_MISSED_ALERT = (
    "screening.contact_missed"  # arrivals nobody contacted by their deadline (a sweep, per community)
)
