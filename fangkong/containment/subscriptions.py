"""What containment hears from the other modules. In the announcing transaction: the status a checkpoint scans
must change in the same commit as the fact behind it (see core.events)."""

from __future__ import annotations

from typing import Any

from fangkong.core import events

from .status import status_invalidate


# The hot paths (a checkpoint registration, a lab's result batch) only expire the stored status: the next read
# recomputes it. Containment's own, rarer changes recompute at once (zones, cases, changes, transfers).
def _expire_one(payload: dict[str, Any]) -> None:
    status_invalidate([payload["person_id"]])


def _expire_many(payload: dict[str, Any]) -> None:
    status_invalidate(payload["person_ids"])


def _case_confirmed(payload: dict[str, Any]) -> None:
    from .cases import case_confirm

    case_confirm(actor=None, person_id=payload["person_id"], source="testing", reference=payload.get("tube", ""))


def connect() -> None:
    events.subscribe("testing.pool_positive", _expire_many, in_transaction=True)
    events.subscribe("testing.recall_resolved", _expire_one, in_transaction=True)
    events.subscribe("testing.case_confirmed", _case_confirmed, in_transaction=True)
    events.subscribe("screening.followup_opened", _expire_one, in_transaction=True)
    events.subscribe("screening.followup_released", _expire_one, in_transaction=True)
