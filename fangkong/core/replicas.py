"""Reads on streaming replicas (DATABASE_REPLICA_URLS), writes and a writer's next reads on the primary.

Which reads may go to a replica: those of a GET or HEAD request outside any transaction (the lists, the hall, the
pages), and the scanners' status look-up. Never a read inside `transaction.atomic` — every service runs in one, so
a check before a write always sees the primary — and never the reads of a client that wrote in the last
FANGKONG_READ_YOUR_WRITES seconds (default 10): a person who just saved sees what they saved, on whichever node
their next request lands. The pin is kept in the shared cache (Redis when FANGKONG_CACHE_URL is set), keyed by a
hash of the client's session cookie or bearer token, so every app node knows it.

A replica is used only while it answers and its replay lag stays under FANGKONG_REPLICA_MAX_LAG (seconds, default
5). Each process checks a replica at most every FANGKONG_REPLICA_CHECK seconds (default 2): a replica that fails to
connect, errs or lags is skipped until a later check finds it well, and a GET that fails on a replica is run again
on the primary (ReplicaMiddleware). A replica that was promoted (failover) answers as a primary: lag 0.

Without replicas configured none of this runs: the router is not installed and the middleware steps aside.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

PREFIX = "replica"
_PIN_KEY = "rw-pin:"

# Set for the length of a request whose reads may lag (a safe method, no recent write by the client).
reads_may_lag: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_may_lag", default=False)
# The replica a request reads from, chosen at its first read and kept for the request (one consistent view).
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica_chosen", default=None)


def aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(PREFIX)]


@dataclass
class _Health:
    usable: bool = False
    checked_at: float = -1e9
    lag: float | None = None
    reason: str = "not checked"


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()

# Replay lag in seconds: 0 where the replica has replayed all the primary had written a moment before (an idle
# primary writes nothing, so "time since the last replayed commit" alone would call an idle replica late), else the
# time since the last commit it replayed; NULL when it is behind and has replayed none (its lag cannot be known).
# A server not in recovery is a primary — a promoted replica: lag 0. Only functions any role may call: the app's role
# does not see pg_stat_wal_receiver's columns.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
  ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""


def replica_lag(alias: str) -> float | None:
    """The replica's replay lag in seconds (None: unknown). Raises DatabaseError when it does not answer."""
    conn = connections[alias]
    conn.ensure_connection()
    if conn.vendor != "postgresql":
        return 0.0  # an embedded copy (tests): nothing replays
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END")
            primary_lsn = cursor.fetchone()[0] or "0/0"
    except DatabaseError:
        # The primary does not answer (a failover under way): the replica is judged by itself — it is a promoted
        # primary (lag 0) or it has replayed what it received (a stale one is skipped once the primary is back).
        connections["default"].close()
        primary_lsn = "0/0"
    with conn.cursor() as cursor:
        cursor.execute(LAG_SQL, [primary_lsn])
        value = cursor.fetchone()[0]
    return None if value is None else float(value)


def check(alias: str, *, now: bool = False) -> _Health:
    """Whether the replica may serve reads now (asked of the database at most every FANGKONG_REPLICA_CHECK s, or at
    once with `now`)."""
    conf = settings.FANGKONG
    interval = 0 if now else conf["REPLICA_CHECK_SECONDS"]
    started = time.monotonic()
    health = _health.get(alias)
    if health is not None and started - health.checked_at < interval:
        return health
    with _health_lock:
        health = _health.setdefault(alias, _Health())
        if started - health.checked_at < interval:
            return health
        health.checked_at = started  # one check at a time per process; the others use the last answer meanwhile
    try:
        lag = replica_lag(alias)
    except DatabaseError as exc:
        _drop_connection(alias)
        if _health[alias].usable or _health[alias].reason == "not checked":
            log.warning("replica %s does not answer: %s", alias, exc)
        _record(alias, started, usable=False, lag=None, reason="unreachable")
    else:
        if lag is None:
            _record(alias, started, usable=False, lag=None, reason="behind, lag unknown")
        elif lag > conf["REPLICA_MAX_LAG_SECONDS"]:
            _record(alias, started, usable=False, lag=lag, reason=f"lagging {lag:.1f} s")
        else:
            _record(alias, started, usable=True, lag=lag, reason="ok")
    return _health[alias]


def _record(alias: str, started: float, *, usable: bool, lag: float | None, reason: str) -> None:
    with _health_lock:
        health = _health[alias]
        if health.checked_at != started:
            return  # a later check or a failed read (mark_down) has spoken since this one began
        if health.usable != usable:
            log.warning("replica %s %s: %s", alias, "back in use" if usable else "skipped", reason)
        health.usable, health.lag, health.reason = usable, lag, reason


def mark_down(alias: str, reason: str) -> None:
    """A read failed on the replica: skip it until the next check finds it well."""
    now = time.monotonic()
    with _health_lock:
        _health.setdefault(alias, _Health()).checked_at = now
    _drop_connection(alias)
    _record(alias, now, usable=False, lag=None, reason=reason)


def _drop_connection(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def usable_replica() -> str | None:
    """A replica that answers and keeps up, chosen at random among them; None when there is none."""
    candidates = [alias for alias in aliases() if check(alias).usable]
    return random.choice(candidates) if candidates else None


def lag_tolerant_alias() -> str:
    """Where a read that may lag by up to the bound goes (the scanners' status look-up): a replica or the primary —
    the primary inside a transaction (a venue scan stores the colour it reads; a check before a write sees the
    primary)."""
    if not aliases() or connections["default"].in_atomic_block:
        return "default"
    return usable_replica() or "default"


def status() -> dict[str, dict]:
    """Each replica's last check (for /readyz)."""
    return {
        alias: {"usable": h.usable, "lag": h.lag, "reason": h.reason} for alias in aliases() for h in [check(alias)]
    }


class ReplicaRouter:
    """Django's database router: reads of a request that may lag go to its replica, everything else to the
    primary; migrations run on the primary only (the replicas follow by streaming)."""

    def db_for_read(self, model, **hints):
        if not reads_may_lag.get() or connections["default"].in_atomic_block:
            return "default"
        alias = _chosen.get()
        if alias is None:
            alias = usable_replica() or "default"
            _chosen.set(alias)
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on every copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _pin_key(credential: str | None) -> str | None:
    """The cache key of a client's pin: a hash of its bearer token or session cookie (never the credential)."""
    return _PIN_KEY + hashlib.sha256(credential.encode()).hexdigest()[:32] if credential else None


def _credential(request) -> str | None:
    return request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get(settings.SESSION_COOKIE_NAME)


def _pin(credential: str | None) -> None:
    key = _pin_key(credential)
    if key:
        try:
            cache.set(key, 1, settings.FANGKONG["READ_YOUR_WRITES_SECONDS"])
        except Exception:  # the cache's own errors (redis-py's): the write is done; its pin is only lost
            log.warning("read-your-writes pin not kept: the cache does not answer", exc_info=True)


def _pinned(key: str | None) -> bool:
    if not key:
        return False
    try:
        return bool(cache.get(key))
    except Exception:  # the cache does not answer: read from the primary, which never lags
        log.warning("read-your-writes pin not read: the cache does not answer", exc_info=True)
        return True


class ReplicaMiddleware:
    """Marks a request's reads as allowed to lag (GET/HEAD, no recent write by this client), pins a client that
    writes to the primary for a few seconds, and answers a GET again from the primary when it failed on a replica
    that stopped answering (the failure reached no one but this request: the API and the pages turn exceptions
    into 500 replies, so the failure is recognised by the reply and a check of the replica, not by the exception)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        if not aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        may_lag = request.method in self.SAFE and not _pinned(_pin_key(_credential(request)))
        lag_token = reads_may_lag.set(may_lag)
        chosen_token = _chosen.set(None)
        try:
            response = self.get_response(request)
            alias = _chosen.get()
            if response.status_code >= 500 and alias not in (None, "default") and not check(alias, now=True).usable:
                log.warning(
                    "%s %s failed on replica %s: answered from the primary", request.method, request.path, alias
                )
                reads_may_lag.set(False)
                response.close()  # the failed reply's resources (a streamed body) before the new one
                response = self.get_response(request)
        finally:
            reads_may_lag.reset(lag_token)
            _chosen.reset(chosen_token)
        if request.method not in self.SAFE:
            _pin(_credential(request))
            # Signing in gives a new session cookie: the client's next request carries that one.
            new_session = response.cookies.get(settings.SESSION_COOKIE_NAME)
            if new_session is not None and new_session.value:
                _pin(new_session.value)
        return response
