"""Domain events: a module announces a fact; other modules subscribe without the announcer knowing them.

Two kinds of subscriber:
- after commit (the default): notifications, tasks, anything that may fail or lag without harm; a handler that
  fails is logged and does not undo the fact that happened;
- in the transaction (`in_transaction=True`): derived data that must never disagree with the fact — the personal
  status a checkpoint scans turns yellow in the same commit as the positive pool that caused it, or neither
  happens. Such a handler's error rolls the fact back.

Testing announces "testing.pool_positive", "testing.case_confirmed" and "testing.recall_resolved"; screening
"screening.followup_opened" and "screening.followup_released"; containment subscribes. Payloads are ids, never
personal data.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
_handlers: dict[str, list[Callable[[dict[str, Any]], None]]] = defaultdict(list)
_in_transaction: dict[str, list[Callable[[dict[str, Any]], None]]] = defaultdict(list)


def subscribe(name: str, handler: Callable[[dict[str, Any]], None], *, in_transaction: bool = False) -> None:
    handlers = _in_transaction if in_transaction else _handlers
    if handler not in handlers[name]:
        handlers[name].append(handler)


def unsubscribe(name: str, handler: Callable[[dict[str, Any]], None]) -> None:
    for handlers in (_handlers, _in_transaction):
        if handler in handlers[name]:
            handlers[name].remove(handler)


def emit(name: str, payload: dict[str, Any]) -> None:
    """Run the in-transaction subscribers of `name` now, and deliver `payload` to the others once the current
    transaction commits (at once outside one)."""
    for handler in list(_in_transaction[name]):
        handler(payload)

    def deliver() -> None:
        for handler in list(_handlers[name]):
            try:
                handler(payload)
            except Exception:
                log.exception("handler %s of %s failed", getattr(handler, "__name__", handler), name)

    transaction.on_commit(deliver)
