"""Per-device rate limits (a stolen or looping scanner must not be able to sweep the population's statuses)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache

from . import clock, memo

_local: dict[str, int] = {}
_window = [0]
_lock = threading.Lock()


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("rate limited")
        self.retry_after = retry_after


def hit(key: str, *, per_minute: int) -> None:
    """Count one request for `key` in the current minute; raise RateLimited past `per_minute`."""
    seconds = int(clock.now().timestamp())
    window = seconds // 60
    name = f"rl:{key}:{window}"
    if _shared():
        cache.add(name, 0, timeout=120)
        try:
            count = cache.incr(name)
        except ValueError:  # evicted between add and incr
            cache.set(name, 1, timeout=120)
            count = 1
    else:
        count = _count_here(name, window)
    if count > per_minute:
        raise RateLimited(retry_after=60 - seconds % 60)


def _shared() -> bool:
    """A cache all worker processes share (Redis): count there. Otherwise count in this process — the same
    limit per worker, at a fraction of the in-memory cache's cost (it pickles every value), measured on the
    status look-up path."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"]


def _count_here(name: str, window: int) -> int:
    with _lock:
        if window != _window[0]:  # a new minute: the old counts are over
            _local.clear()
            _window[0] = window
        count = _local.get(name, 0) + 1
        _local[name] = count
        return count


def clear() -> None:
    with _lock:
        _local.clear()


memo.register(clear)


def scanner_hit(*, user_id: int, device: str) -> None:
    """One status look-up by a scanner: limited per device (its API token) and per account across all of its
    devices — so that minting a new token does not start the count again. Counted in the shared cache, which
    every process sees (FANGKONG_CACHE_URL; production must set it: see `manage.py check --deploy`)."""
    hit(f"status:device:{device}", per_minute=settings.FANGKONG["STATUS_RATE_PER_MINUTE"])
    hit(f"status:user:{user_id}", per_minute=settings.FANGKONG["STATUS_USER_RATE_PER_MINUTE"])
