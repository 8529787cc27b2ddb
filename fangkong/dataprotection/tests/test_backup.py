"""Backups are tested by restoring them into a new database and comparing it with the original: the rows of every
table, and the audit trail row by row (same order, same content)."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fangkong.core.audit import audit_record
from fangkong.dataprotection import backups

AUDIT = "SELECT * FROM core_auditevent ORDER BY id"


def _audit_rows_sqlite(path) -> list[tuple]:
    conn = sqlite3.connect(str(path), uri=str(path).startswith("file:"))  # no type conversion: the stored values
    try:
        return conn.execute(AUDIT).fetchall()
    finally:
        conn.close()


def _audit_rows_here() -> list[tuple]:
    # The driver's own rows, as the restored side reads them (Django's connection converts SQLite's timestamps).
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _audit_rows_sqlite(connection.settings_dict["NAME"])
    with backups._pg_connect(connection.settings_dict) as conn:  # committed rows (transactional test)
        return [tuple(row) for row in conn.execute(AUDIT).fetchall()]


def _verify_audit(url: str, tmp_path) -> subprocess.CompletedProcess:
    """`fangkong verify-audit` run on the restored database, in a process of its own with this data key (the
    chain's key comes from it, never from the database). --no-seal: check what was restored, add nothing."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FANGKONG_DATA_KEY": settings.DATA_KEY,
        "FANGKONG_HOME": str(tmp_path / "verify-home"),
    }
    code = "from fangkong.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "verify-audit", "--no-seal"], env=env, capture_output=True, text=True, timeout=300
    )


def _some_history(district) -> None:
    for i in range(5):
        audit_record(actor=district.hq, action="test.event", object_type="x", object_id=i, fields={"n": i})


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_and_the_audit_trail(district, tmp_path, capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's own test; PostgreSQL has its own below")
    _some_history(district)
    out = tmp_path / "fangkong.sqlite3"
    call_command("backup", "--output", str(out))
    assert "FANGKONG_DATA_KEY" in capsys.readouterr().out  # the note on the key is part of every backup's output
    assert (out.stat().st_mode & 0o777) == 0o600
    here = backups.table_counts(connection.settings_dict)
    restored = tmp_path / "restored.sqlite3"
    call_command("restore", str(out), "--into", f"sqlite:///{restored}")
    assert backups.table_counts({"ENGINE": "django.db.backends.sqlite3", "NAME": str(restored)}) == here
    assert here["registry_person"] == 2 and here["core_auditevent"] >= 6
    assert _audit_rows_sqlite(restored) == _audit_rows_here()
    assert "decrypts the restored personal data" in capsys.readouterr().out
    verified = _verify_audit(f"sqlite:///{restored}", tmp_path)
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr
    # The check is not a formality: an event altered in the copy breaks the chain.
    conn = sqlite3.connect(restored)
    conn.execute("UPDATE core_auditevent SET reason = 'altered' WHERE id = (SELECT min(id) FROM core_auditevent)")
    conn.commit()
    conn.close()
    assert _verify_audit(f"sqlite:///{restored}", tmp_path).returncode == 1
    # The key is in no backup: neither its text nor its bytes.
    content = out.read_bytes()
    assert settings.DATA_KEY.encode() not in content and base64.b64decode(settings.DATA_KEY) not in content


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_a_foreign_file_and_the_wrong_engine(district, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's own test")
    out = tmp_path / "b.sqlite3"
    backups.backup(output=out)
    target = tmp_path / "t.sqlite3"
    backups.restore(path=out, into=f"sqlite:///{target}")
    with pytest.raises(backups.BackupError) as exc:  # it holds tables now
        backups.restore(path=out, into=f"sqlite:///{target}")
    assert exc.value.code == "not_empty"
    backups.restore(path=out, into=f"sqlite:///{target}", replace=True)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="unknown_format"):
        call_command("restore", str(junk), "--into", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(backups.BackupError) as exc:
        backups.restore(path=out, into="postgres://nobody@127.0.0.1:1/none")
    assert exc.value.code == "engine_mismatch"


@pytest.mark.django_db(transaction=True)
def test_a_backup_under_another_key_is_reported_unreadable(district, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's own test")
    out = tmp_path / "b.sqlite3"
    backups.backup(output=out)
    restored = tmp_path / "r.sqlite3"
    db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(restored)}
    backups.restore(path=out, into=f"sqlite:///{restored}")
    assert backups.key_readable(db) is True
    # The same file read by an installation with another key: a fresh process, with its own FANGKONG_DATA_KEY.
    other_key = base64.b64encode(b"k" * 32).decode()
    probe = (
        "import django, os; django.setup(); from fangkong.dataprotection.backups import key_readable; "
        f"print(key_readable({{'ENGINE': 'django.db.backends.sqlite3', 'NAME': {str(restored)!r}}}))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "fangkong.settings", "FANGKONG_DATA_KEY": other_key, "PATH": "/usr/bin:/bin"}
    env["FANGKONG_HOME"] = str(tmp_path / "home")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.django_db(transaction=True)
def test_old_backups_are_pruned_the_new_one_and_other_files_stay(district, tmp_path, capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's own test")
    old, recent, other = (
        tmp_path / "fangkong-20200101-000000.sqlite3",
        tmp_path / "fangkong-x.dump",
        tmp_path / "keep.txt",
    )
    for f in (old, recent, other):
        f.write_bytes(b"x")
    ten_days_ago = time.time() - 10 * 86400
    for f in (old, other):
        os.utime(f, (ten_days_ago, ten_days_ago))
    new = tmp_path / "fangkong-new.sqlite3"
    call_command("backup", "--output", str(new), "--prune-days", "7")
    assert not old.exists() and recent.exists() and other.exists() and new.exists()
    assert f"deleted the old backup {old}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="out_of_range"):
        call_command("backup", "--output", str(new), "--prune-days", "-1")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_new_database(district, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pg_dump and pg_restore")
    _some_history(district)
    out = tmp_path / "fangkong.dump"
    result = backups.backup(output=out)
    assert out.read_bytes()[:5] == b"PGDMP" and result.size > 0 and (out.stat().st_mode & 0o777) == 0o600
    source = dict(connection.settings_dict)
    here = backups.table_counts(source)
    name = f"{source['NAME']}_restored"  # test_fk_backup → test_fk_backup_restored: ours alone
    target = {**source, "NAME": name}
    url = (
        f"postgres://{source.get('USER') or ''}@{source.get('HOST') or 'localhost'}:{source.get('PORT') or 5432}/{name}"
    )
    try:
        call_command("restore", str(out), "--into", url)
        assert backups.table_counts(target) == here
        with backups._pg_connect(target) as restored:
            rows = [tuple(r) for r in restored.execute(AUDIT).fetchall()]
        assert rows == _audit_rows_here() and len(rows) >= 6
        verified = _verify_audit(url, tmp_path)
        assert verified.returncode == 0 and "intact" in verified.stdout, verified.stderr
        assert backups.key_readable(target) is True
        # The trigger that keeps the trail append-only came back with it.
        with backups._pg_connect(target) as restored, pytest.raises(Exception, match="append-only"):
            restored.execute("DELETE FROM core_auditevent")
        with pytest.raises(backups.BackupError) as exc:
            backups.restore(path=out, into=url)
        assert exc.value.code == "not_empty"
    finally:
        with backups._pg_connect(source, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
