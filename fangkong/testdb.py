"""The test database kept between runs (pyproject.toml passes `--reuse-db`; CI passes `--create-db`).

A second run starts at its first test instead of migrating for seconds. What keeps that safe:
- The database is named after a digest of every migration (`test_<name>_<digest>`, or `<digest>.sqlite3` under
  FANGKONG_HOME/test-db): a new or edited migration gets a fresh database, never a stale one.
- One run at a time owns it: a lock on the PostgreSQL server (an advisory lock, server-wide, so two checkouts
  of one commit do not share it) or on a file beside the SQLite file (which is the checkout's own). A run that
  finds it taken gets a throw-away database of its own, created and dropped as without reuse.
- A run that did not end cleanly (killed in a transactional test, which commits) leaves no "clean" mark; the next
  run builds the database afresh instead of starting on its rows.
- Older databases (other digests) are removed by the owner, and only those nobody holds.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


def migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class _FileLock:
    def __init__(self, path: Path):
        self.path = path
        self.handle: Any = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock; every run reuses
            return True
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


class _ServerLock:
    """A session-level advisory lock held on a side connection for the whole run."""

    def __init__(self, db: Any, name: str):
        self.db, self.name = db, name
        self.conn: Any = None

    def _connect(self):
        import psycopg

        return psycopg.connect(
            host=self.db.get("HOST") or None,
            port=self.db.get("PORT") or None,
            user=self.db.get("USER") or None,
            password=self.db.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )

    def acquire(self) -> bool:
        self.conn = self._connect()
        got = self.conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [self.name]).fetchone()[0]
        if not got:
            self.release()
        return bool(got)

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()  # the session's advisory locks go with it
            self.conn = None


def _drop_stale_databases(lock: _ServerLock, pattern: re.Pattern[str], keep: str) -> None:
    """Drop this configuration's test databases of other digests that no run holds (best effort)."""
    import psycopg
    from psycopg import sql

    conn = lock.conn
    assert conn is not None
    for (name,) in conn.execute("SELECT datname FROM pg_database").fetchall():
        if name == keep or not pattern.fullmatch(name):
            continue
        if not conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name]).fetchone()[0]:
            continue  # its run is going on
        try:
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error:
            pass  # still connected to (a run of an older checkout that takes no lock): next time
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])


def _drop_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def settle(db: Any, home: Path, *, reuse_db: bool, create_db: bool) -> Generator[tuple[bool, bool]]:
    """Point the test database at the reused one (or a throw-away one) and yield what pytest-django is to do with
    it: (keepdb, createdb). A generator: the code after `yield` runs when the session ends."""
    digest = migrations_digest()
    test = db.setdefault("TEST", {})
    folder = home / "test-db"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite = db["ENGINE"].endswith("sqlite3")
    if sqlite:
        name = str(folder / f"{digest}.sqlite3")
        lock: _FileLock | _ServerLock = _FileLock(folder / f"{digest}.sqlite3.lock")
        mark = folder / f"{digest}.sqlite3.clean"
    else:
        name = f"test_{db['NAME']}_{digest}"
        lock = _ServerLock(db, name)
        mark = folder / f"pg-{db.get('HOST') or 'local'}-{db.get('PORT') or ''}-{name}.clean"
    if not reuse_db:
        yield False, create_db  # the plain pytest-django behaviour: a database made and dropped by this run
        return
    if not lock.acquire():
        # Another run holds it: one of our own, created and dropped by this run.
        test["NAME"] = "" if sqlite else f"{name}_{os.getpid()}"
        yield False, True
        return
    try:
        if sqlite:
            for other in folder.glob("*.sqlite3"):
                if other.name != f"{digest}.sqlite3" and (held := _FileLock(Path(f"{other}.lock"))).acquire():
                    _drop_sqlite(other)
                    Path(f"{other}.clean").unlink(missing_ok=True)
                    held.release()
                    Path(f"{other}.lock").unlink(missing_ok=True)
        else:
            assert isinstance(lock, _ServerLock)
            prefix = re.escape(f"test_{db['NAME']}_")
            _drop_stale_databases(lock, re.compile(prefix + r"[0-9a-f]{12}(_\d+)?"), keep=name)
        afresh = create_db or not mark.exists()  # asked for, or the last run did not end cleanly
        if afresh and sqlite:
            _drop_sqlite(Path(name))  # with its write-ahead log, which Django would leave behind
        mark.unlink(missing_ok=True)
        test["NAME"] = name
        yield True, afresh
        mark.touch()  # the session ended: every test's rows were rolled back or flushed
    finally:
        lock.release()
