from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from fangkong.conftest import make_jurisdiction
from fangkong.core import clock
from fangkong.core.bulk import in_list, insert_rows, select_rows, write_rows
from fangkong.core.models import IdempotencyRecord
from fangkong.registry.models import Jurisdiction, PersonTag


def _names(values) -> set[str]:
    sql, params = in_list("name", values)
    return {name for (name,) in select_rows(f"SELECT name FROM {Jurisdiction._meta.db_table} WHERE {sql}", params)}


def test_in_list_finds_every_kind_of_value(district):
    odd = make_jurisdiction("009", "甲,乙社区", "community", district.s1)  # a comma: not splittable as text
    assert _names([district.a.name, district.b.name]) == {district.a.name, district.b.name}
    assert _names([odd.name, district.a.name]) == {odd.name, district.a.name}
    assert _names([odd.name]) == {odd.name}
    assert _names([]) == set() and _names([""]) == set()
    sql, params = in_list("id", [district.a.pk, district.b.pk])
    found = select_rows(f"SELECT name FROM {Jurisdiction._meta.db_table} WHERE {sql}", params)
    assert {n for (n,) in found} == {district.a.name, district.b.name}


def test_insert_rows_returns_the_new_ids_in_order(district):
    person = district.person_a
    ids = insert_rows(
        PersonTag._meta.db_table,
        ["person_id", "tag"],
        [(person.pk, PersonTag.Tag.STUDENT), (person.pk, PersonTag.Tag.KEY_POPULATION)],
    )
    assert [PersonTag.objects.get(pk=pk).tag for pk in ids] == ["student", "key_population"]
    assert insert_rows(PersonTag._meta.db_table, ["person_id", "tag"], []) == []


def test_write_rows_keeps_every_value(district):
    # Binary COPY on PostgreSQL for plain columns; a table with a JSON column is copied as text, so that a JSON
    # document given as text is stored as that document, not as a JSON string.
    at = clock.now() - timedelta(minutes=3)
    write_rows(
        IdempotencyRecord._meta.db_table,
        ["user_id", "scope", "key", "request_hash", "status_code", "body", "created_at"],
        [(district.hq.pk, "test", "k1", "", 201, '{"id": 7}', at)],
    )
    record = IdempotencyRecord.objects.get(key="k1")
    assert (record.body, record.status_code, record.created_at) == ({"id": 7}, 201, at)
    assert write_rows(PersonTag._meta.db_table, ["person_id", "tag"], [(district.person_a.pk, "bedridden")]) == 1
    assert PersonTag.objects.filter(person=district.person_a, tag="bedridden").exists()


@pytest.mark.postgres
def test_codes_and_document_hashes_have_hash_indexes(db):
    if connection.vendor != "postgresql":
        pytest.skip("hash indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('person_code_hash', 'person_doc_hash')"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"person_code_hash", "person_doc_hash"}
    assert all("USING hash" in definition for definition in found.values())


def test_insert_one_stores_a_time_given_in_another_zone_as_the_same_moment(district):
    """A time given with its offset (a device's local 12:00+08:00) is the moment 04:00 UTC: a range query finds it
    between the UTC moments around it. (sqlite3 stored the text with its offset, ordered wrongly against the ORM's.)"""
    from zoneinfo import ZoneInfo

    from fangkong.core.bulk import insert_one
    from fangkong.core.models import Notification

    local = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).replace(microsecond=0)
    row = insert_one(Notification(user=district.hq, title="t", at=local))
    utc = local.astimezone(ZoneInfo("UTC"))
    found = Notification.objects.filter(at__gte=utc - timedelta(seconds=1), at__lte=utc + timedelta(seconds=1))
    assert list(found.values_list("pk", flat=True)) == [row.pk]
    assert Notification.objects.get(pk=row.pk).at == local
