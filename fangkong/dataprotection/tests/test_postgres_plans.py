"""On PostgreSQL every statement the purge writes with (each DELETE and UPDATE of a range, with its sub-selects)
must be able to find its rows through an index: planned with sequential scans priced out of reach, none may be
left in the plan. A missing index shows up here as a Seq Scan, before a city-sized table shows it as minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.core import clock
from fangkong.dataprotection.services import emergency_end, purge_run

from . import test_purge_records as records
from .test_purge import (
    test_passages_go_their_counts_stay_a_running_case_keeps_its_own as passages_scenario,
)

pytestmark = pytest.mark.postgres


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("DELETE", "UPDATE"))]


def _seq_scans(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        # A day dropped whole (core.partitions) keeps its held rows' ids in a temporary table of its transaction,
        # gone by now: an empty one stands in (read whole, as it is meant to be).
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS fangkong_held (id bigint)")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = on")
    return [line for line in plan if "Seq Scan" in line and "Seq Scan on fangkong_held" not in line]


def test_every_purge_statement_uses_an_index(district, screening, testing):
    if connection.vendor != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    passages_scenario(district, screening)  # leaves data behind in several modules
    with clock.advanced(timedelta(days=400)), CaptureQueriesContext(connection) as seen:
        purge_run()
    writes = _writes(seen.captured_queries)
    assert writes, "the purge wrote nothing: the scenario is not exercising it"
    for sql in writes:
        assert not _seq_scans(sql), sql


def test_every_purge_of_cases_changes_and_requests_uses_an_index(district, screening):
    if connection.vendor != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    site = records.site.__wrapped__(district)  # type: ignore[attr-defined]  # the fixture's body, called plainly
    with CaptureQueriesContext(connection) as seen:
        records.test_transfers_contacts_and_cases_go_in_one_run_in_their_order(district, site)
        records.test_status_changes_go_with_their_appeals_once_ended(district)
        records.test_inpatients_go_with_their_escorts_after_discharge(district)
        records.test_violations_go_once_handled_and_the_period_past(district, screening)
        records.test_supply_requests_go_after_delivery_or_cancellation(district)
        records.test_declined_sign_ups_go_volunteers_serving_stay(district)
    writes = _writes(seen.captured_queries)
    assert len(writes) > 6
    for sql in writes:
        assert not _seq_scans(sql), sql


def test_every_end_of_emergency_statement_uses_an_index(district, screening, testing):
    if connection.vendor != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    passages_scenario(district, screening)
    with CaptureQueriesContext(connection) as seen:
        emergency_end(confirm=district.d.code)
    writes = _writes(seen.captured_queries)
    assert len(writes) > 10
    for sql in writes:
        assert not _seq_scans(sql), sql


def test_a_second_purge_at_the_same_time_is_refused(district):
    if connection.vendor != "postgresql":
        pytest.skip("an advisory lock of PostgreSQL's")
    from fangkong.core.errors import FieldError
    from fangkong.dataprotection import backups
    from fangkong.dataprotection.services import PURGE_LOCK

    with backups._pg_connect(connection.settings_dict) as other:  # another session, as a second `fangkong purge`
        other.execute("SELECT pg_advisory_lock(%s)", [PURGE_LOCK])
        with pytest.raises(FieldError) as exc:
            purge_run()
        assert (exc.value.field, exc.value.code) == ("purge", "running")
    # The other session ended: its lock goes with it once the server has seen it go (a moment later on a busy
    # machine: closing a connection does not wait for the server's backend to exit).
    import time

    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PURGE_LOCK])
            if cursor.fetchone()[0]:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PURGE_LOCK])
                break
        time.sleep(0.05)
    assert purge_run()
