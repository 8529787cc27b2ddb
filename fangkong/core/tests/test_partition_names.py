"""Partition names and ranges on the district's calendar (core.partitions), the same on every database: what the
SQL function on PostgreSQL reads back from a name must be what these functions make."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from django.core.management import call_command
from django.db import connection

from fangkong.core import clock, partitions


def test_a_day_runs_from_local_midnight_to_the_next():
    name, lo, hi = partitions.span("screening_passage", "day", date(2026, 12, 31))
    assert name == "screening_passage_p2026_12_31"
    assert (lo, hi) == (clock.start_of_day(date(2026, 12, 31)), clock.start_of_day(date(2027, 1, 1)))
    assert lo.utcoffset() is not None and clock.localdate(lo) == date(2026, 12, 31)


def test_a_month_runs_from_its_first_day_and_december_rolls_over():
    assert partitions.span("core_auditevent", "month", date(2026, 12, 15)) == (
        "core_auditevent_p2026_12",
        clock.start_of_day(date(2026, 12, 1)),
        clock.start_of_day(date(2027, 1, 1)),
    )
    entry = partitions.Partitioned("command_notification", "at", "month", 2)
    assert [name for name, _lo, _hi in partitions.wanted(entry, date(2026, 11, 30))] == [
        "command_notification_p2026_11",
        "command_notification_p2026_12",
        "command_notification_p2027_01",
    ]


def test_the_days_wanted_are_contiguous():
    spans = partitions.wanted(partitions.Partitioned("t", "at", "day", 7), date(2027, 2, 25))
    assert len(spans) == 8 and spans[0][0] == "t_p2027_02_25" and spans[-1][0] == "t_p2027_03_04"
    assert all(a[2] == b[1] for a, b in pairwise(spans))


def test_a_block_of_32_rounds_from_1_33_65():
    assert partitions.round_span("testing_sample", 1) == ("testing_sample_r1", 1, 33)
    assert partitions.round_span("testing_sample", 32) == ("testing_sample_r1", 1, 33)
    assert partitions.round_span("testing_sample", 33) == ("testing_sample_r33", 33, 65)
    rounds = [3, 40, 41]  # the next two ids ahead of the newest (41) stay in its block; one block each, in order
    entry = partitions.Partitioned("testing_sample", "round_id", "round", 2, lambda using: rounds)
    assert [name for name, _lo, _hi in partitions.wanted(entry, date(2026, 12, 1))] == [
        "testing_sample_r1",
        "testing_sample_r33",
    ]
    rounds = [63]  # 64 is the block's last: 65 is the next block's first, made ahead
    assert [name for name, _lo, _hi in partitions.wanted(entry, date(2026, 12, 1))] == [
        "testing_sample_r33",
        "testing_sample_r65",
    ]


def test_the_registered_tables_and_the_command_on_the_embedded_database(db, capsys):
    assert {e.table for e in partitions.registered()} == {
        "screening_passage",
        "containment_venuescan",
        "command_notification",
        "core_auditevent",
        "testing_sample",
    }
    if connection.vendor == "postgresql":
        return  # test_partitions.py
    assert partitions.ensure() == [] and not partitions.is_partitioned("screening_passage")
    assert partitions.partitions("screening_passage") == []
    call_command("partitions")
    assert "PostgreSQL only" in capsys.readouterr().out
