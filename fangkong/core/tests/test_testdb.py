"""The reused test database (fangkong/testdb.py): one run owns it, a run that did not end cleanly leaves it to be
rebuilt, older digests' files go, a second run at once gets a throw-away database."""

from __future__ import annotations

from pathlib import Path

from fangkong import testdb


def _sqlite() -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"}


def test_reuse_after_a_clean_end_and_rebuild_after_an_unclean_one(tmp_path: Path):
    db = _sqlite()
    run = testdb.settle(db, tmp_path, reuse_db=True, create_db=False)
    assert next(run) == (True, True)  # nothing marked clean yet: built afresh, kept
    assert db["TEST"]["NAME"].endswith(f"{testdb.migrations_digest()}.sqlite3")
    next(run, None)  # the session ends
    second = testdb.settle(_sqlite(), tmp_path, reuse_db=True, create_db=False)
    assert next(second) == (True, False)  # reused
    # Killed here: no clean mark, so the next run builds afresh.
    second.close()
    third = testdb.settle(_sqlite(), tmp_path, reuse_db=True, create_db=False)
    assert next(third) == (True, True)
    next(third, None)


def test_a_second_run_at_once_gets_its_own_database(tmp_path: Path):
    first = testdb.settle(_sqlite(), tmp_path, reuse_db=True, create_db=False)
    next(first)
    db = _sqlite()
    other = testdb.settle(db, tmp_path, reuse_db=True, create_db=False)
    assert next(other) == (False, True) and db["TEST"]["NAME"] == ""  # in memory, dropped at its end
    next(other, None)
    next(first, None)


def test_older_digests_go_unless_a_run_holds_them(tmp_path: Path):
    folder = tmp_path / "test-db"
    folder.mkdir()
    stale = folder / "000000000000.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{stale}{suffix}").write_text("old")
    held = folder / "111111111111.sqlite3"
    held.write_text("in use")
    holder = testdb._FileLock(Path(f"{held}.lock"))
    assert holder.acquire()
    run = testdb.settle(_sqlite(), tmp_path, reuse_db=True, create_db=False)
    next(run)
    assert not stale.exists() and not Path(f"{stale}-wal").exists()
    assert held.exists()
    next(run, None)
    holder.release()


def test_without_reuse_pytest_django_makes_and_drops_its_own(tmp_path: Path):
    db = _sqlite()
    run = testdb.settle(db, tmp_path, reuse_db=False, create_db=False)
    assert next(run) == (False, False) and "NAME" not in db["TEST"]
