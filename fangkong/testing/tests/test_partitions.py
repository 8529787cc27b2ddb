"""Samples partitioned by testing round on PostgreSQL (core.partitions, step "round"): a round's samples land in its
own partition, made ahead of it; the once-per-round key still holds; a round that found no partition has its
samples moved in when the job makes it; the create function makes only round partitions of the samples."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from fangkong.core import clock, partitions
from fangkong.testing.models import Sample
from fangkong.testing.rounds import round_create

from .conftest import collect, scan

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def where(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM testing_sample WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def names() -> list[str]:
    return [p.name for p in partitions.partitions("testing_sample")]


def test_a_rounds_samples_land_in_its_partition_made_ahead(district, testing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = round_create(actor=district.hq, name="第二轮", starts_at=clock.now() - timedelta(hours=1))
    # The round's own partition and the next two: the next round's samples find theirs at once.
    assert {f"testing_sample_r{first.pk + n}" for n in (0, 1, 2)} <= set(names())
    with django_capture_on_commit_callbacks(execute=True):
        second = round_create(actor=district.hq, name="第三轮", starts_at=clock.now() - timedelta(hours=1))
    assert f"testing_sample_r{second.pk + 2}" in names()
    people = testing.people_a
    assert (
        collect(testing.sampler, second, [scan(p, "R3T1", testing.site, i) for i, p in enumerate(people[:3])])[
            "accepted"
        ]
        == 3
    )
    sample = Sample.objects.filter(round=second).first()
    assert where(sample.pk) == f"testing_sample_r{second.pk}"
    again = collect(testing.sampler, second, [scan(people[0], "R3T2", testing.site)])
    assert again["accepted"] == 0  # once per round: the unique key holds within the round's partition
    part = next(p for p in partitions.partitions("testing_sample") if p.name == f"testing_sample_r{second.pk}")
    assert (part.lo, part.hi) == (second.pk, second.pk + 1)


def test_a_round_without_its_partition_gets_it_with_its_samples_moved_in(district, testing):
    with connection.cursor() as cursor:  # as if the job had not run (a lock not granted): the round has none
        cursor.execute(f"DROP TABLE IF EXISTS testing_sample_r{testing.round.pk}")
    collect(
        testing.sampler, testing.round, [scan(p, "R1T1", testing.site, i) for i, p in enumerate(testing.people_a[:2])]
    )
    sample = Sample.objects.filter(round=testing.round).first()
    assert where(sample.pk) == "testing_sample_default"
    assert f"testing_sample_r{testing.round.pk}" in partitions.ensure(tables=["testing_sample"])
    assert where(sample.pk) == f"testing_sample_r{testing.round.pk}"
    assert Sample.objects.filter(round=testing.round).count() == 2


@pytest.mark.parametrize(
    "name", ["testing_sample_r0", "testing_sample_r01", "testing_sample_p2026_12_01", "testing_sample_r1; DROP"]
)
def test_the_create_function_makes_only_round_partitions_of_the_samples(db, name):
    with pytest.raises(DatabaseError, match="not a partition name"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT fangkong_partition_create('testing_sample', %s)", [name])


def test_samples_are_never_dropped_by_age(db):
    with pytest.raises(ValueError, match="by round"):
        partitions.drop_before(Sample, before=clock.now(), keep=[], settle=lambda rows: 0)
