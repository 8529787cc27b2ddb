"""Per-device rate limits (a stolen or looping scanner must not be able to sweep the population's statuses)."""

from __future__ import annotations

from django.core.cache import cache

from . import clock


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("rate limited")
        self.retry_after = retry_after


def hit(key: str, *, per_minute: int) -> None:
    """Count one request for `key` in the current minute; raise RateLimited past `per_minute`."""
    seconds = int(clock.now().timestamp())
    window = seconds // 60
    name = f"rl:{key}:{window}"
    cache.add(name, 0, timeout=120)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=120)
        count = 1
    if count > per_minute:
        raise RateLimited(retry_after=60 - seconds % 60)
