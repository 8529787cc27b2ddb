"""Retention on PostgreSQL's partitions (core.partitions): a day wholly past its period is dropped as a table, the
rows that must stay are written back, the statistics and the links are the same as the row-by-row purge's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from fangkong.conftest import make_person, other_connection
from fangkong.containment.models import Case, VenueScan
from fangkong.core import clock, partitions, pii
from fangkong.core.models import AuditEvent
from fangkong.dataprotection.models import DailyCount
from fangkong.dataprotection.services import purge_run
from fangkong.registry.models import Unit
from fangkong.screening.models import FollowUp, Passage, RiskArea, Violation
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.test_passages import arrive

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def purge(**kw) -> dict:
    return {r.key: r for r in purge_run(**kw)}


def counts(data_class: str) -> dict[tuple, int]:
    return {(c.day, c.jpath, c.what): c.count for c in DailyCount.objects.filter(data_class=data_class)}


def names(table: str) -> set[str]:
    return {p.name for p in partitions.partitions(table)}


def where(model, pk) -> str:
    """The partition a row is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_day_of_passages_is_dropped_whole_a_running_case_keeps_its_passage(district, screening):
    old = clock.now() - timedelta(days=29)
    with clock.frozen_at(old):
        partitions.ensure()  # the old day has its partition, as it had when the day came
    day = partitions.span("screening_passage", "day", clock.localdate(old))[0]
    assert day in names("screening_passage")
    RiskArea.objects.filter(pk=screening.medium.pk).update(valid_from=old - timedelta(days=1))  # in force back then
    plain = [
        arrive(
            screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.a.pk, occurred_at=old
        )
        for _ in range(3)
    ]
    case = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk, occurred_at=old
    ).followup
    exit_ = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(
            direction="out", document_number=pii.decrypt(district.person_b.doc_cipher), name="出行人", occurred_at=old
        ),
    )
    assert where(Passage, plain[0].passage.pk) == day
    recent = arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.b.pk)
    with clock.advanced(timedelta(days=2)):  # the old day is now past the 30 days passages are kept
        dry = purge(dry_run=True, only=["passages"])
        assert dry["passages"].counts == {"deleted": 4} and day in names("screening_passage")
        done = purge(only=["passages"])
    assert done["passages"].counts == {"deleted": 4}
    assert day not in names("screening_passage")  # dropped, not emptied row by row
    assert not Passage.objects.filter(pk__in=[r.passage.pk for r in plain]).exists()
    kept = Passage.objects.get(pk=case.passage_id)  # the case still runs: its passage written back, unchanged
    assert kept.at == old and where(Passage, kept.pk) == "screening_passage_default"
    assert FollowUp.objects.get(pk=case.pk).passage_id == kept.pk
    v = Violation.objects.get(pk=exit_.violation.pk)
    assert v.passage_id is None and v.at == old  # unlinked before its passage went; the record stands
    assert Passage.objects.filter(pk=recent.passage.pk).exists()
    assert counts("passages") == {
        (clock.localdate(old), district.a.path, "in:let_pass"): 3,
        (clock.localdate(old), exit_.passage.jpath, "out:let_pass"): 1,
    }
    assert AuditEvent.objects.get(action="passages.purge").fields["deleted"] == 4


def test_a_day_of_venue_scans_is_dropped_an_open_cases_scans_stay(district):
    venue = Unit.objects.create(kind="venue", name="超市", code="V1", jurisdiction=district.a, jpath=district.a.path)
    ill = make_person(district.a, district.a1, name="病例")
    Case.objects.create(person=ill, source="clinic", jpath=ill.jpath)
    old = clock.now() - timedelta(days=29)
    with clock.frozen_at(old):
        partitions.ensure()
    day = partitions.span("containment_venuescan", "day", clock.localdate(old))[0]
    for person in (district.person_a, district.person_b, district.person_a, ill):
        VenueScan.objects.create(venue=venue, person=person, at=old, colour="green", jpath=venue.jpath)
    now = VenueScan.objects.create(
        venue=venue, person=district.person_a, at=clock.now(), colour="green", jpath=venue.jpath
    )
    assert purge(only=["venue_scans"])["venue_scans"].counts == {"deleted": 3}
    assert day not in names("containment_venuescan")
    assert sorted(VenueScan.objects.values_list("person__name", flat=True)) == ["李四", "病例"]
    assert where(VenueScan, VenueScan.objects.get(person=ill).pk) == "containment_venuescan_default"
    assert where(VenueScan, now.pk) != "containment_venuescan_default"  # today has its partition
    assert counts("venue_scans") == {(clock.localdate(old), district.a.path, "green"): 3}
    # The scans kept go the ordinary way once the case is closed.
    Case.objects.filter(person=ill).update(released_at=clock.now())
    assert purge(only=["venue_scans"])["venue_scans"].counts == {"deleted": 1}


@pytest.mark.django_db(transaction=True)
def test_a_day_whose_lock_is_not_granted_goes_row_by_row(district, caplog):
    venue = Unit.objects.create(kind="venue", name="超市", code="V1", jurisdiction=district.a, jpath=district.a.path)
    old = clock.now() - timedelta(days=29)
    with clock.frozen_at(old):
        made = partitions.ensure()
    day = partitions.span("containment_venuescan", "day", clock.localdate(old))[0]
    try:
        _held_by_a_reader(district, venue, old, day, caplog)
    finally:  # committed tables outlive the test's flush: the days this test made go
        with connection.cursor() as cursor:
            for name in made:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _held_by_a_reader(district, venue, old, day, caplog):
    for person in (district.person_a, district.person_b):
        VenueScan.objects.create(venue=venue, person=person, at=old, colour="green", jpath=venue.jpath)
    reader = other_connection()
    try:  # a long report reading the table: no DETACH gets its lock meanwhile
        reader.execute("LOCK TABLE containment_venuescan IN ACCESS SHARE MODE")
        assert purge(only=["venue_scans"])["venue_scans"].counts == {"deleted": 2}
    finally:
        reader.rollback()
        reader.close()
    assert "not dropped now" in caplog.text
    assert day in names("containment_venuescan") and not VenueScan.objects.exists()  # emptied row by row
    assert counts("venue_scans") == {(clock.localdate(old), district.a.path, "green"): 2}
    assert purge(only=["venue_scans"])["venue_scans"].counts == {"deleted": 0}  # the next night drops it, empty
    assert day not in names("containment_venuescan")
