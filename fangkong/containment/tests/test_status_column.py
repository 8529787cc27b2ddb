"""The stored status column is honest: a row whose sources changed (`status_invalidate`: a positive pool, a
closed-loop case opened) holds no colour (NULL) until it is recomputed, so that a report or SQL reading
`containment_personstatus` directly never counts a recalled or isolated person as green. The scanner's look-up
answers the right colour with as many queries as before."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps as django_apps
from django.db import connection
from django.db.models import F

from fangkong.containment.models import PersonStatus
from fangkong.containment.scanning import status_scan
from fangkong.containment.status import EXPIRED, status_invalidate, status_of, status_refresh
from fangkong.core import clock
from fangkong.registry.codes import person_code
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Tube
from fangkong.testing.results import ResultRow, results_ingest
from fangkong.testing.tests.conftest import collect, scan, testing  # noqa: F401  (the fixture)


def _pool_positive(testing, members, tube="POOL-C", seal="SEAL-C") -> None:  # noqa: F811
    collect(testing.sampler, testing.round, [scan(p, tube, testing.site, i) for i, p in enumerate(members)])
    Tube.objects.filter(code=tube, closed_at__isnull=True).update(closed_at=F("opened_at"))  # fewer than a pool
    bag_seal(actor=testing.sampler, seal_code=seal, tube_codes=[tube])
    bag_receive(actor=testing.lab, seal_code=seal)
    results_ingest(actor=testing.lab, rows=[ResultRow(0, tube, "positive")])


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every statement sent to the database. On PostgreSQL the look-up and the bulk reads run on raw psycopg
    cursors (server-side binding, prepared), which Django's CaptureQueriesContext does not see: count there."""
    seen: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        original = psycopg.Cursor.execute

        def execute(self, query, *args, **kwargs):
            seen.append(str(query))
            return original(self, query, *args, **kwargs)

        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        try:
            yield seen
        finally:
            psycopg.Cursor.execute = original  # type: ignore[method-assign]
    else:

        def wrapper(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            yield seen


def _column(ids) -> dict[int, str | None]:
    """The table as a report reads it: the column itself, not the status service."""
    return dict(PersonStatus.objects.filter(person_id__in=ids).values_list("person_id", "colour"))


def test_a_positive_pool_leaves_no_green_in_the_column(district, testing):  # noqa: F811
    members = [p.pk for p in testing.people_a[:10]]
    others = [p.pk for p in testing.people_a[10:]]
    status_refresh(members + others)  # everyone stored green first: the invalidation must overwrite a green row
    assert set(_column(members + others).values()) == {"green"}

    _pool_positive(testing, testing.people_a[:10])

    stored = _column(members)
    assert sorted(stored) == members  # every member has a row …
    assert all(colour is None for colour in stored.values())  # … holding no colour: none of them reads green
    assert not PersonStatus.objects.filter(person_id__in=members, colour="green").exists()
    with connection.cursor() as cursor:  # and a report's raw SQL counting green people sees none of them
        table = PersonStatus._meta.db_table
        marks = ", ".join(["%s"] * len(members))
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE colour = %s AND person_id IN ({marks})", ["green", *members]
        )
        assert cursor.fetchone()[0] == 0
    assert set(_column(others).values()) == {"green"}  # not in the tube: untouched

    for pid in members:  # the service recomputes: temporary control
        s = status_of(pid)
        assert s.colour == "yellow" and s.reasons[0]["kind"] == "recall"
    assert set(_column(members).values()) == {"yellow"}  # and the reading stored the real colour

    status_invalidate(members)
    assert set(_column(members).values()) == {None}
    status_refresh(members)  # a writer's recompute stores it too
    assert set(_column(members).values()) == {"yellow"}


def test_an_invalidation_without_a_stored_row_inserts_no_colour(district, testing):  # noqa: F811
    members = [p.pk for p in testing.people_a[:3]]
    assert _column(members) == {}  # never computed
    _pool_positive(testing, testing.people_a[:3], tube="POOL-N", seal="SEAL-N")
    assert _column(members) == dict.fromkeys(members)
    assert [status_of(pid).colour for pid in members] == ["yellow"] * 3


def test_a_scan_after_invalidation_answers_yellow_with_the_same_queries(district, testing, containment):  # noqa: F811
    person = testing.people_a[0]
    code = person_code(actor=district.hq, person_id=person.pk)
    status_refresh([person.pk])

    def scan_counted() -> tuple[str, int]:
        with _statements() as sent:
            colour = status_scan(actor=containment.scanner, code=code, device="dev-1").colour
        return colour, len(sent)

    status_scan(actor=containment.scanner, code=code, device="dev-1")  # the scanner's roles, read once and kept
    assert scan_counted() == ("green", 1)  # a current row: the one look-up
    # A row that lapsed by time (as a manual change running out leaves it): read, recomputed, stored.
    PersonStatus.objects.filter(pk=person.pk).update(valid_until=clock.now() - timedelta(minutes=1))
    lapsed_colour, recompute = scan_counted()
    assert lapsed_colour == "green"
    assert scan_counted() == ("green", 1)

    _pool_positive(testing, testing.people_a[:10])
    assert _column([person.pk]) == {person.pk: None}
    # The invalidated row costs what a lapsed one costs: the look-up, the sources, the conditional store.
    assert scan_counted() == ("yellow", recompute)
    assert recompute == RECOMPUTE_QUERIES  # as many as before the column was made honest
    assert _column([person.pk]) == {person.pk: "yellow"}
    assert scan_counted() == ("yellow", 1)  # stored again: one row


# Statements of a scan that recomputes a stale row, counted on SQLite and PostgreSQL with the code before the
# column was made honest (an invalidated row then read green with an expired validity): the look-up, the person
# with their places, active zones, cases, follow-ups, transfers, recalls, manual changes, the conditional store.
RECOMPUTE_QUERIES = 9


def test_the_migration_empties_the_colour_of_invalidated_and_lapsed_rows(district, testing):  # noqa: F811
    migration = importlib.import_module("fangkong.containment.migrations.0008_person_status_colour_nullable")
    invalidated, lapsed, current, open_ended = (p.pk for p in testing.people_a[:4])
    status_refresh([invalidated, lapsed, current, open_ended])
    now = clock.now()
    # What the code before this change left: an invalidated row kept green with an expired validity.
    PersonStatus.objects.filter(pk=invalidated).update(colour="green", valid_until=EXPIRED, reasons=[])
    PersonStatus.objects.filter(pk=lapsed).update(colour="yellow", valid_until=now - timedelta(hours=1))
    PersonStatus.objects.filter(pk=current).update(colour="yellow", valid_until=now + timedelta(hours=1))
    migration.empty_stale_colours(django_apps, None)
    assert _column([invalidated, lapsed, current, open_ended]) == {
        invalidated: None,
        lapsed: None,
        current: "yellow",
        open_ended: "green",
    }
    assert status_of(invalidated).colour == "green" and status_of(current).colour == "yellow"
    migration.restore_green_placeholders(django_apps, None)  # backwards: the old marker, still stale on reading
    row = PersonStatus.objects.get(pk=lapsed)
    assert row.colour == "green" and row.valid_until == EXPIRED
