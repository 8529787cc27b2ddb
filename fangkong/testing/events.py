"""The facts testing announces (core.events), with their payloads: ids and codes, never personal data.
Subscribers import the names from here; docs/architecture.md lists who listens."""

from __future__ import annotations

from typing import TypedDict

POOL_POSITIVE = "testing.pool_positive"  # a pooled tube came back positive: its members are recalled
RECALL_RESOLVED = "testing.recall_resolved"  # a recalled member's single-tube retest has its result
CASE_CONFIRMED = "testing.case_confirmed"  # that retest was positive

# The command hall's alert testing raises (core.alerts; the kind is registered in apps.py).
POOL_POSITIVE_ALERT = "testing.pool_positive"  # a pooled tube positive: its code, site and number of people


class PoolPositive(TypedDict):
    tube: str
    round_id: int
    person_ids: list[int]


class RecallResolved(TypedDict):
    person_id: int
    recall_id: int
    state: str


class CaseConfirmed(TypedDict):
    person_id: int
    tube: str
    round_id: int
