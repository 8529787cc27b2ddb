"""The alert feed pushed to the hall as server-sent events (`/hall/stream`).

One watcher thread per server process reads the new alerts (one indexed query every half second, whatever the
number of open streams) and wakes the streams of that process; each stream filters them by what its viewer may see,
decided once when it opens (the capability and scope of each kind: core.hall), so an open wall costs no query of
its own. A stream ends after `LIFETIME` seconds; the browser's EventSource reconnects by itself and sends the last
id it saw (`Last-Event-ID`), from which the stream resumes — nothing is missed across a reconnect or a restart.

Each open stream holds one of the server's threads: size `fangkong serve --threads` for the walls and pages that
stay open (docs/deployment.md). Past `MAX_STREAMS` in one process a stream is refused (503) and the page falls
back to asking every few seconds.

In tests (`ALERT_STREAM_INLINE`), and wherever the watcher cannot run, the stream asks the database itself: the
watcher's own connection would not see a test's uncommitted rows.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from .hall import alert_kinds
from .models import HallAlert
from .scoping import scope_for

log = logging.getLogger("fangkong.alerts")

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0  # a comment line: proxies and the browser keep an idle stream open
LIFETIME = 600.0  # then the browser reconnects (Last-Event-ID): no stream holds a thread for hours
MAX_STREAMS = 200
IDLE_SECONDS = 5.0  # the watcher stops when no stream has been open for this long


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    jpath: str


class _Watcher:
    """The process's one reader of new alerts, and the condition the streams wait on."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._rows: deque[Row] = deque(maxlen=5000)
        self._last = 0
        self._thread: threading.Thread | None = None
        self.open_streams = 0

    def _ensure(self) -> None:
        with self._cond:
            if self._thread is not None and self._thread.is_alive():
                return
            self._last = max(self._last, _latest())
            self._thread = threading.Thread(target=self._run, name="fangkong-alert-watcher", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        idle_since = time.monotonic()
        while True:
            time.sleep(POLL_SECONDS)
            with self._cond:
                if self.open_streams:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > IDLE_SECONDS:
                    self._thread = None  # nobody listens: stop; the next stream starts a watcher again
                    connection.close()
                    return
            try:
                rows = [
                    Row(*r)
                    for r in HallAlert.objects.filter(id__gt=self._last)
                    .order_by("id")
                    .values_list("id", "kind", "jpath")[:1000]
                ]
            except Exception:  # the database restarting: try again, on a fresh connection
                connection.close()
                with self._cond:
                    if not self.open_streams:  # nobody listens (a test's database gone): stop quietly
                        self._thread = None
                        return
                log.exception("alert watcher: reading new alerts failed")
                continue
            if rows:
                with self._cond:
                    self._rows.extend(rows)
                    self._last = rows[-1].id
                    self._cond.notify_all()

    def count(self, step: int) -> None:
        with self._cond:
            self.open_streams += step

    def wait(self, after: int, timeout: float) -> list[Row]:
        """The alerts after `after` (waiting up to `timeout` seconds for one)."""
        self._ensure()
        with self._cond:
            self._cond.wait_for(lambda: self._last > after, timeout=timeout)
            oldest = self._rows[0].id if self._rows else self._last + 1
            if after + 1 < oldest:
                # Further back than the watcher remembers (a reconnect after a long gap): read them.
                return _read(after) + [r for r in self._rows if r.id > after]
            return [r for r in self._rows if r.id > after]


_watcher = _Watcher()


def _latest() -> int:
    return HallAlert.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _read(after: int) -> list[Row]:
    return [
        Row(*r) for r in HallAlert.objects.filter(id__gt=after).order_by("id").values_list("id", "kind", "jpath")[:1000]
    ]


class Visibility:
    """What one viewer may see of the feed, decided once: per kind, the scope of its capability; under `within`
    (a jurisdiction's path) when given."""

    def __init__(self, user, within: str | None) -> None:
        self._within = within or ""
        self._paths: dict[str, tuple[str, ...]] = {}
        for kind in alert_kinds().values():
            paths = scope_for(user, kind.cap).paths
            if paths:
                self._paths[kind.kind] = paths

    @property
    def empty(self) -> bool:
        return not self._paths

    def sees(self, row: Row) -> bool:
        return row.jpath.startswith(self._within) and any(
            row.jpath.startswith(p) for p in self._paths.get(row.kind, ())
        )


def events(*, user, within: str | None, after: int, render, lifetime: float = LIFETIME) -> Iterator[str]:
    """Server-sent events for `user`: each new alert they may see (`render(ids)` → the items as dicts, in the
    reader's language), a heartbeat when idle, until `lifetime` has passed."""
    seen = Visibility(user, within)
    inline = getattr(settings, "ALERT_STREAM_INLINE", False)
    _watcher.count(+1)
    try:
        yield "retry: 3000\n\n"
        started = last_beat = time.monotonic()
        while time.monotonic() - started < lifetime:
            if inline:
                try:
                    rows = _read(after)
                except Exception:  # the database gone (a restart; a test's torn down): end, the browser reconnects
                    log.info("alert stream: reading new alerts failed; the stream ends", exc_info=True)
                    return
                if not rows:
                    time.sleep(POLL_SECONDS)
            else:
                rows = _watcher.wait(after, timeout=min(HEARTBEAT_SECONDS, lifetime))
            if rows:
                after = rows[-1].id
            mine = [r.id for r in rows if seen.sees(r)]
            if mine:
                for item in render(mine):
                    yield f"id: {item['id']}\nevent: alert\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
                last_beat = time.monotonic()
            elif time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                yield ": keep-alive\n\n"
                last_beat = time.monotonic()
    finally:
        _watcher.count(-1)


def too_many() -> bool:
    return _watcher.open_streams >= getattr(settings, "ALERT_MAX_STREAMS", MAX_STREAMS)
