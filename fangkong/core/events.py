"""Domain events: a module announces a fact; other modules subscribe without the announcer knowing them.

Two kinds of subscriber:
- after commit (the default): notifications, tasks, anything that may fail or lag without harm; a handler that
  fails is logged and does not undo the fact that happened;
- in the transaction (`in_transaction=True`): derived data that must never disagree with the fact — the personal
  status a checkpoint scans turns yellow in the same commit as the positive pool that caused it, or neither
  happens. Such a handler's error rolls the fact back.

Each announcing app names its events and their payloads (TypedDicts of ids, never personal data) in its own
events.py; docs/architecture.md lists every event with who announces it, who listens and when.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
# A handler takes the payload TypedDict its event names (events.py of the announcing app).
Handler = Callable[[Any], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)
_in_transaction: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler, *, in_transaction: bool = False) -> None:
    handlers = _in_transaction if in_transaction else _handlers
    if handler not in handlers[name]:
        handlers[name].append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    for handlers in (_handlers, _in_transaction):
        if handler in handlers[name]:
            handlers[name].remove(handler)


def emit(name: str, payload: Mapping[str, Any]) -> None:
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
