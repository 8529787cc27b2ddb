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
    hits([(key, per_minute)])


def hits(limits: list[tuple[str, int]]) -> None:
    """Count one request against each (key, per_minute) in the current minute, together; raise RateLimited when
    any is past its limit."""
    seconds = int(clock.now().timestamp())
    window = seconds // 60
    names = [f"rl:{key}:{window}" for key, _limit in limits]
    if _shared():
        counts = _count_shared(names)
    else:
        counts = []
        for name, (_key, limit) in zip(names, limits, strict=True):
            counts.append(_count_here(name, window))
            if counts[-1] > limit:
                break
    for i, (count, (_key, limit)) in enumerate(zip(counts, limits, strict=False)):
        if count > limit:
            # A request refused by one limit is not counted against the ones after it (a scanner stuck in a loop
            # spends its own budget, not its account's other devices').
            if _shared() and names[i + 1 :]:
                _uncount_shared(names[i + 1 :])
            raise RateLimited(retry_after=60 - seconds % 60)


def _count_shared(names: list[str]) -> list[int]:
    """Each counter raised by one in the shared cache. On Redis all of them in one round trip (INCR, then EXPIRE:
    the key names its minute, so renewing its two-minute life is harmless) — a status look-up counted per device
    and per account made six round trips through the cache's add-then-incr, which bounded a node's look-ups
    (bench/cluster.py)."""
    get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if get_client is not None:  # Django's Redis backend
        keys = [cache.make_key(name) for name in names]
        pipe = get_client(keys[0], write=True).pipeline(transaction=False)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, 120)
        return [int(n) for n in pipe.execute()[0::2]]
    counts = []
    for name in names:  # another shared cache (memcached)
        cache.add(name, 0, timeout=120)
        try:
            counts.append(cache.incr(name))
        except ValueError:  # evicted between add and incr
            cache.set(name, 1, timeout=120)
            counts.append(1)
    return counts


def _uncount_shared(names: list[str]) -> None:
    for name in names:
        try:
            cache.decr(name)
        except ValueError:  # expired meanwhile: nothing to give back
            pass


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
    hits(
        [
            (f"status:device:{device}", settings.FANGKONG["STATUS_RATE_PER_MINUTE"]),
            (f"status:user:{user_id}", settings.FANGKONG["STATUS_USER_RATE_PER_MINUTE"]),
        ]
    )
