"""Domain events: a module announces a fact after its transaction commits; other modules subscribe.

Testing announces "testing.pool_positive" and "testing.case_confirmed"; containment subscribes (its issue). A
handler that fails is logged and does not undo the fact that happened. Payloads are ids, never personal data.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)
_handlers: dict[str, list[Callable[[dict[str, Any]], None]]] = defaultdict(list)


def subscribe(name: str, handler: Callable[[dict[str, Any]], None]) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def unsubscribe(name: str, handler: Callable[[dict[str, Any]], None]) -> None:
    if handler in _handlers[name]:
        _handlers[name].remove(handler)


def emit(name: str, payload: dict[str, Any]) -> None:
    """Deliver `payload` to the subscribers of `name` once the current transaction commits (at once outside one)."""

    def deliver() -> None:
        for handler in list(_handlers[name]):
            try:
                handler(payload)
            except Exception:
                log.exception("handler %s of %s failed", getattr(handler, "__name__", handler), name)

    transaction.on_commit(deliver)
