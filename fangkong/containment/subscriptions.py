"""What containment hears from the other modules. In the announcing transaction: the status a checkpoint scans
must change in the same commit as the fact behind it (see core.events)."""

from __future__ import annotations

from fangkong.core import events
from fangkong.core.actors import System
from fangkong.registry.events import PERSON_MERGED, PERSON_MOVED, PersonMerged, PersonMoved
from fangkong.screening.events import FOLLOWUP_OPENED, FOLLOWUP_RELEASED, FollowupChanged
from fangkong.testing.events import (
    CASE_CONFIRMED,
    POOL_POSITIVE,
    RECALL_RESOLVED,
    CaseConfirmed,
    PoolPositive,
    RecallResolved,
)

from .status import status_invalidate


# The hot paths (a checkpoint registration, a lab's result batch) only expire the stored status: the next read
# recomputes it. Containment's own, rarer changes recompute at once (zones, cases, changes, transfers).
def _expire_one(payload: RecallResolved | FollowupChanged) -> None:
    status_invalidate([payload["person_id"]])


def _expire_many(payload: PoolPositive) -> None:
    status_invalidate(payload["person_ids"])


def _moved(payload: PersonMoved) -> None:
    # Another home or grid may be inside (or outside) a zone. A scanner's read finds the row stale anyway; the
    # hall's counts by colour and jurisdiction read the table, and must not count the person where they were.
    status_invalidate([payload["person_id"]])


def _merged(payload: PersonMerged) -> None:
    # The kept record now carries the duplicate's cases, zones' households and changes: its status is stale.
    status_invalidate([payload["kept"]])


def _case_confirmed(payload: CaseConfirmed) -> None:
    from .cases import case_confirm

    actor = System(CASE_CONFIRMED)  # testing established the fact: a positive single-tube retest
    case_confirm(actor=actor, person_id=payload["person_id"], source="testing", reference=payload.get("tube", ""))


def _followup_released(payload: FollowupChanged) -> None:
    # A contact's loop released on screening's page (reached, days over, tests negative) releases the contact.
    from .cases import contacts_followup_released

    contacts_followup_released(payload["followup_id"])


def connect() -> None:
    events.subscribe(POOL_POSITIVE, _expire_many, in_transaction=True)
    events.subscribe(RECALL_RESOLVED, _expire_one, in_transaction=True)
    events.subscribe(CASE_CONFIRMED, _case_confirmed, in_transaction=True)
    events.subscribe(FOLLOWUP_OPENED, _expire_one, in_transaction=True)
    events.subscribe(FOLLOWUP_RELEASED, _expire_one, in_transaction=True)
    events.subscribe(FOLLOWUP_RELEASED, _followup_released, in_transaction=True)
    events.subscribe(PERSON_MERGED, _merged, in_transaction=True)
    events.subscribe(PERSON_MOVED, _moved, in_transaction=True)
