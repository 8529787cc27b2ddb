"""Samples partitioned by testing round on PostgreSQL (core.partitions, step "round"): 32 rounds to a partition,
made before a round needs it; the once-per-round key still holds; a round that found no partition has its samples
moved in when the job makes it; reads that know their rounds plan and lock only those rounds' partitions; the
create function makes only whole blocks of rounds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from fangkong.core import clock, partitions
from fangkong.testing.models import Round, Sample, Tube
from fangkong.testing.results.ingest import _members
from fangkong.testing.rounds import round_create
from fangkong.testing.selectors import recent_at_site

from .conftest import collect, scan

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def where(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM testing_sample WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def names() -> list[str]:
    return [p.name for p in partitions.partitions("testing_sample")]


def next_round_ends_a_block() -> int:
    """Move the rounds' ids on so that the next round made is the last of a block of 32 (ids are never reused,
    so this only skips some); its id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM testing_round_id_seq")
        last = cursor.fetchone()[0]
        end = (last // 32 + 2) * 32
        cursor.execute("SELECT setval('testing_round_id_seq', %s)", [end - 1])
    return end


def sample_tables_read() -> set[str]:
    """The sample tables this transaction holds a read lock on (an index's counted as its table's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT coalesce(t.relname, c.relname)::text FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessShareLock'"
            " AND coalesce(t.relname, c.relname) LIKE 'testing_sample%%'"
        )
        return {name for (name,) in cursor.fetchall()}


def new_round(district, name: str, capture) -> Round:
    with capture(execute=True):  # its commit asks the job for the coming partition
        return round_create(actor=district.hq, name=name, starts_at=clock.now() - timedelta(hours=1))


def test_a_blocks_samples_land_in_its_partition_made_ahead(district, testing, django_capture_on_commit_callbacks):
    last = next_round_ends_a_block()
    first = new_round(district, "第二轮", django_capture_on_commit_callbacks)
    assert first.pk == last
    # The round's block, and the next one already: the next round's samples find theirs at once.
    assert {f"testing_sample_r{last - 31}", f"testing_sample_r{last + 1}"} <= set(names())
    second = new_round(district, "第三轮", django_capture_on_commit_callbacks)
    people = testing.people_a
    taken = collect(testing.sampler, second, [scan(p, "R3T1", testing.site, i) for i, p in enumerate(people[:3])])
    assert taken["accepted"] == 3
    sample = Sample.objects.filter(round=second).first()
    assert where(sample.pk) == f"testing_sample_r{last + 1}"
    again = collect(testing.sampler, second, [scan(people[0], "R3T2", testing.site)])
    assert again["accepted"] == 0  # once per round: the unique key holds within the partition
    part = next(p for p in partitions.partitions("testing_sample") if p.name == f"testing_sample_r{last + 1}")
    assert (part.lo, part.hi) == (last + 1, last + 33)


def test_reads_that_know_their_rounds_lock_only_those_partitions(district, testing, django_capture_on_commit_callbacks):
    """A partition a read plans over is locked until the transaction ends: with a partition for every few weeks
    of rounds, a read by tube alone would lock them all. The site page's recent samples and a positive pool's
    members name their tubes' rounds."""
    last = next_round_ends_a_block()
    new_round(district, "第二轮", django_capture_on_commit_callbacks)
    newer = new_round(district, "第三轮", django_capture_on_commit_callbacks)
    older_block, block = f"testing_sample_r{last - 31}", f"testing_sample_r{last + 1}"
    assert {older_block, block} <= set(names())
    # Locks stay until the transaction ends. The job that made the partitions looked into the default for strays.
    allowed = {"testing_sample", block, "testing_sample_default"}
    assert sample_tables_read() <= allowed
    collect(testing.sampler, newer, [scan(p, "R3T1", testing.site, i) for i, p in enumerate(testing.people_a[:3])])
    assert sample_tables_read() <= allowed  # the collection read no other block
    tubes = list(Tube.objects.filter(round=newer))
    assert len(_members(tubes)) == 3
    assert sample_tables_read() <= allowed
    assert len(recent_at_site(testing.site.pk)) == 3
    assert sample_tables_read() <= allowed
    # What the test would see of a read by tube alone: the other block and the default locked too.
    assert Sample.objects.filter(tube__in=tubes).count() == 3
    assert older_block in sample_tables_read()


def test_a_round_without_its_partition_gets_it_with_its_samples_moved_in(district, testing):
    name = partitions.round_span("testing_sample", testing.round.pk)[0]
    with connection.cursor() as cursor:  # as if the job had not run (a lock not granted): the round has none
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    collect(
        testing.sampler, testing.round, [scan(p, "R1T1", testing.site, i) for i, p in enumerate(testing.people_a[:2])]
    )
    sample = Sample.objects.filter(round=testing.round).first()
    assert where(sample.pk) == "testing_sample_default"
    assert name in partitions.ensure(tables=["testing_sample"])
    assert where(sample.pk) == name
    assert Sample.objects.filter(round=testing.round).count() == 2


@pytest.mark.parametrize(
    "name",
    [
        "testing_sample_r0",
        "testing_sample_r01",
        "testing_sample_r2",  # not the first of a block (1, 33, 65 …)
        "testing_sample_r32",
        "testing_sample_p2026_12_01",
        "testing_sample_r1; DROP",
    ],
)
def test_the_create_function_makes_only_blocks_of_rounds_of_the_samples(db, name):
    with pytest.raises(DatabaseError, match="not a partition name"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT fangkong_partition_create('testing_sample', %s)", [name])


def test_samples_are_never_dropped_by_age(db):
    with pytest.raises(ValueError, match="by round"):
        partitions.drop_before(Sample, before=clock.now(), keep=[], settle=lambda rows: 0)


@pytest.mark.parametrize(
    "migration", ["0011_samples_partitioned", "0009_squashed_0011_site_point_pool_sizes_samples_partitioned"]
)
def test_the_migration_gives_a_database_that_ran_core_0014_before_the_current_create_function(db, migration):
    from django.db.migrations.loader import MigrationLoader

    with connection.cursor() as cursor:  # core 0014 as a database that ran it before the samples' blocks has it
        cursor.execute(
            "CREATE OR REPLACE FUNCTION fangkong_partition_create(parent regclass, name text) RETURNS boolean"
            " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'not a table the platform partitions: %', parent; END $$"
        )
    operation = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[("testing", migration)].operations
    functions = [op for op in operation if type(op).__name__ == "Functions"]
    assert len(functions) == 1
    with connection.schema_editor() as editor:
        functions[0].database_forwards("testing", editor, None, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT fangkong_partition_create('testing_sample', 'testing_sample_r999937')")
        assert cursor.fetchone()[0] is True
    assert "testing_sample_r999937" in names()
