"""A tiny per-process memo with a time-to-live, for configuration read on every request of a hot path
(risk areas, the protocol, time limits). A write in this process forgets it (`forget()`: at once, and again when
its transaction commits, since a read in between saw the rows as they were); other processes see the change within
`seconds`. Use only for data where a few seconds of staleness across processes is acceptable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.db import transaction

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
_all: list[Any] = []


class Memo(Protocol[T_co]):
    def __call__(self) -> T_co: ...

    def clear(self) -> None: ...

    def forget(self) -> None: ...


def ttl_memo(seconds: float) -> Callable[[Callable[[], T]], Memo[T]]:
    def decorate(load: Callable[[], T]) -> Memo[T]:
        lock = threading.Lock()
        state: dict[str, Any] = {"at": float("-inf"), "value": None}

        @wraps(load)
        def get() -> T:
            now = time.monotonic()
            if now - state["at"] > seconds:
                with lock:
                    if now - state["at"] > seconds:
                        state["value"], state["at"] = load(), time.monotonic()
            return state["value"]

        def clear() -> None:
            state["at"] = float("-inf")

        get.clear = clear  # type: ignore[attr-defined]
        get.forget = lambda: forget(clear)  # type: ignore[attr-defined]
        _all.append(get)
        return get  # type: ignore[return-value]

    return decorate


class _Forget:
    def __init__(self, forget: Callable[[], None]):
        self.clear = forget


def register(forget: Callable[[], None]) -> None:
    """Another per-process memory (keyed, not a single value) that clear_all must empty too."""
    _all.append(_Forget(forget))


def clear_all() -> None:
    """Tests and writers of configuration: forget everything memoised in this process."""
    for get in _all:
        get.clear()


def forget(clear: Callable[[], None] = clear_all) -> None:
    """A write's side: `clear` (everything, by default) now, and again when the write's transaction commits."""
    clear()
    transaction.on_commit(clear)
