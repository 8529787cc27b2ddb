"""Backups and restores of the whole database: `pg_dump -Fc` / `pg_restore` on PostgreSQL, SQLite's online backup
API for the embedded database (a consistent copy while the server keeps writing, WAL included).

What a backup holds and what it does not: names, addresses and everything else in clear, but ID numbers and
phones encrypted with FANGKONG_DATA_KEY — and the key itself is never in it (it lives in the environment, or in
FANGKONG_HOME for the demo, never in the database). Without the key a restored database works but its numbers
and phones cannot be read or looked up; with the key, whoever holds the backup can read them. Keep the two
apart, and the backup as closely guarded as the database (it is written readable by its owner only).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connections

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record

PG_MAGIC = b"PGDMP"  # pg_dump's custom format
SQLITE_MAGIC = b"SQLite format 3\x00"

KEY_NOTE = (
    "This backup holds ID numbers and phones encrypted with FANGKONG_DATA_KEY, which is not in it. Keep the key "
    "apart from the backup: a database restored without it cannot read or look up those numbers; anyone holding "
    "both can. Names and addresses are in clear: guard the backup like the database."
)


class BackupError(RuntimeError):
    """The backup or restore did not happen (the message says why; nothing was half-written)."""

    def __init__(self, message: str, code: str = "failed"):
        super().__init__(message)
        self.code = code


@dataclass
class BackupResult:
    path: Path
    engine: str
    size: int
    tables: dict[str, int] = field(default_factory=dict)


@dataclass
class RestoreResult:
    target: str  # the database restored into, without its password
    engine: str
    tables: dict[str, int]
    key_readable: bool | None  # the running key decrypts the restored numbers (None: no person to try)


# ---------------------------------------------------------------- where and what


def _engine(db: dict[str, Any]) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"unsupported database engine {engine}", code="unsupported")


def _describe(db: dict[str, Any]) -> str:
    if _engine(db) == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db.get('USER') or ''}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _pg_env(db: dict[str, Any], name: str | None = None) -> dict[str, str]:
    """The connection for pg_dump / pg_restore / psycopg through libpq's variables: the password never appears on
    a command line (where `ps` shows it to every user of the machine)."""
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", name or db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _pg_connect(db: dict[str, Any], name: str | None = None):
    import psycopg

    env = _pg_env(db, name)
    return psycopg.connect(
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        dbname=env.get("PGDATABASE"),
        autocommit=True,
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)", code="tool_missing")
    return path


def default_path(engine: str) -> Path:
    suffix = "dump" if engine == "postgresql" else "sqlite3"
    return settings.HOME / "backups" / f"fangkong-{clock.now():%Y%m%d-%H%M%S}.{suffix}"


# ---------------------------------------------------------------- backup


def backup(*, output: Path | None = None, alias: str = "default") -> BackupResult:
    """Copy the database to `output` (default: FANGKONG_HOME/backups/fangkong-<time>.dump|.sqlite3), readable by
    its owner only. The audit event is written first, so that the backup carries the record of its own making."""
    connection = connections[alias]
    db = connection.settings_dict
    engine = _engine(db)
    path = Path(output) if output else default_path(engine)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new directory for backups: its owner's only
    audit_record(actor=None, action="database.backup", fields={"engine": engine, "path": str(path)})
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        # Created readable by its owner only before a byte of the database goes in.
        partial.touch(mode=0o600)
        if engine == "postgresql":
            done = subprocess.run(
                [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"],
                env=_pg_env(db),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        os.chmod(partial, 0o600)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path, engine, path.stat().st_size)


def prune(*, directory: Path, keep_days: int, spare: Path | None = None) -> list[Path]:
    """Delete the backups `backup` named (fangkong-*.dump, fangkong-*.sqlite3) in `directory` older than
    `keep_days`: a purge does not reach into backups, so they must not outlive the retention periods for long."""
    if keep_days < 1:
        raise BackupError("keep backups at least a day", code="out_of_range")
    cutoff = clock.now().timestamp() - keep_days * 86400
    gone = []
    for pattern in ("fangkong-*.dump", "fangkong-*.sqlite3"):
        for old in sorted(Path(directory).glob(pattern)):
            if old != spare and old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
                gone.append(old)
    if gone:
        audit_record(
            actor=None,
            action="database.backup_prune",
            fields={"deleted": len(gone), "older_than_days": keep_days, "directory": str(directory)},
        )
    return gone


# ---------------------------------------------------------------- restore


def _kind(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError(f"{path} is neither a pg_dump custom-format file nor an SQLite database", code="unknown_format")


def target_settings(into: str | None, alias: str = "default") -> dict[str, Any]:
    return dict(dj_database_url.parse(into)) if into else dict(connections[alias].settings_dict)


def restore(*, path: Path, into: str | None = None, replace: bool = False) -> RestoreResult:
    """Restore a backup into the database `into` (a DATABASE_URL; default: the configured one). A PostgreSQL
    database that does not exist is created; one that already holds tables is refused unless `replace`.
    Restored in one transaction (PostgreSQL) or by SQLite's backup API: all or nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file", code="not_found")
    kind = _kind(path)
    db = target_settings(into)
    engine = _engine(db)
    if kind != engine:
        raise BackupError(f"a {kind} backup cannot be restored into a {engine} database", code="engine_mismatch")
    if engine == "postgresql":
        _pg_restore(path, db, replace)
    else:
        _sqlite_restore(path, db, replace)
    return RestoreResult(_describe(db), engine, table_counts(db), key_readable(db))


def _pg_restore(path: Path, db: dict[str, Any], replace: bool) -> None:
    from psycopg import sql

    name = db["NAME"]
    with _pg_connect(db, "postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if exists and not replace and table_counts(db):
        raise BackupError(
            f"database {name} already holds tables: restore into a new one, or pass --replace", code="not_empty"
        )
    args = [
        _tool("pg_restore"),
        "--no-password",
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={name}",
    ]
    if replace:
        args += ["--clean", "--if-exists"]
    # The connection is libpq's variables (PGDATABASE too: --dbname above names the same database).
    done = subprocess.run([*args, str(path)], env=_pg_env(db), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _sqlite_restore(path: Path, db: dict[str, Any], replace: bool) -> None:
    name = str(db["NAME"])
    if not replace and table_counts(db):
        raise BackupError(f"{name} already holds tables: restore into a new file, or pass --replace", code="not_empty")
    # The restored file replaces whatever the target held; this process's own connection to it must not keep an
    # older view of it.
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and str(connection.settings_dict["NAME"]) == name:
            connection.close()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


# ---------------------------------------------------------------- checking


def table_counts(db: dict[str, Any]) -> dict[str, int]:
    """Rows per table of the database `db` (settings or a parsed DATABASE_URL): what a restore is compared by."""
    if _engine(db) == "postgresql":
        from psycopg import sql

        try:
            conn = _pg_connect(db)
        except Exception as exc:  # a database that does not exist (yet) holds no tables
            if "does not exist" in str(exc):
                return {}
            raise
        with conn:
            tables = [
                r[0]
                for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            ]
            return {
                t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                for t in tables
            }
    name = str(db["NAME"])
    if not name.startswith("file:") and not Path(name).exists():
        return {}
    conn = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def key_readable(db: dict[str, Any]) -> bool | None:
    """Whether the running FANGKONG_DATA_KEY decrypts the restored database's numbers (one person is tried)."""
    query = "SELECT doc_cipher FROM registry_person ORDER BY id LIMIT 1"
    try:
        if _engine(db) == "postgresql":
            with _pg_connect(db) as conn:
                row = conn.execute(query).fetchone()
        else:
            conn = sqlite3.connect(str(db["NAME"]))
            try:
                row = conn.execute(query).fetchone()
            finally:
                conn.close()
    except Exception:
        return None
    if row is None:
        return None
    try:
        pii.decrypt(bytes(row[0]))
    except Exception:
        return False
    return True
