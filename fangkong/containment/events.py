"""The facts containment announces (core.events), with their payloads: ids, never personal data. Subscribers
import the names from here; docs/architecture.md lists who listens."""

from __future__ import annotations

from typing import TypedDict

SENTINEL_ALERT = "containment.sentinel_alert"  # a clinic or pharmacy saw someone their community must follow up


class SentinelAlerted(TypedDict):
    alert_id: int
    person_id: int
