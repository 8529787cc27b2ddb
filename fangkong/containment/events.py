"""The facts containment announces (core.events), with their payloads: ids, never personal data. Subscribers
import the names from here; docs/architecture.md lists who listens."""

from __future__ import annotations

from typing import TypedDict

SENTINEL_ALERT = "containment.sentinel_alert"  # a clinic or pharmacy saw someone their community must follow up


class SentinelAlerted(TypedDict):
    alert_id: int
    person_id: int


# The command hall's alerts containment raises (core.alerts; the kinds are registered in apps.py).
CASE_CONFIRMED_ALERT = "containment.case_confirmed"  # a confirmed case: their community and the source
ZONE_PROPOSED_ALERT = "containment.zone_proposed"  # a zone awaiting its second officer
ZONE_APPROVED_ALERT = "containment.zone_approved"  # a zone in force
SENTINEL_ALERT_RAISED = "containment.sentinel"  # a clinic or pharmacy reported someone to follow up
TRANSFER_LATE_ALERT = "containment.transfer_late"  # a transfer past its step's limit (a sweep, once per step)
