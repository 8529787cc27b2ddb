"""Time partitions of the high-volume tables on PostgreSQL (issue 21, point 5; docs/partitions.md).

Passages and venue scans are partitioned by day, notifications and the audit trail by month, on the district's
calendar (midnight in Asia/Shanghai, so a partition is one local day: what the nightly purge expires and what the
tallies count). Samples are partitioned by testing round (`round_id`), 32 rounds to a partition (about a month of
daily rounds), made ahead of the rounds: a round is the unit their reads and retention work on, and their
once-per-round unique key must hold the partition key, which a time column could not. Blocks rather than one
partition per round because reads by person (a resident's results, the lifting criteria) cannot name their rounds:
they plan over and lock every partition, a few hundred rounds would mean thousands of locks per look-up, and a
block keeps that to a few partitions a year. Each table also has a DEFAULT partition: rows whose range has no
partition (a late scan, a moved test clock, the held rows of a dropped day) land there, so an insert never fails
for want of a partition.

- `ensure()` makes today's partition and the next few (`ahead`), through the SECURITY DEFINER function of core
  migration 0014 (the app's role owns no table; the function reads the range from the partition's name). Run by
  `fangkong partitions`, Celery beat and each purge.
- `drop_before()` is retention's fast path: a partition wholly older than the moment a class expires is detached
  and dropped in one short transaction, after the rows that must stay (a passage whose closed-loop case still runs,
  the scans of an open case) are copied out and written back through the parent (they land in the default), the
  rows going are counted for the statistics and what refers to them is unlinked. The row-by-row purge
  (core.purging) then runs as before for whatever is left: the default partition, the part of a day that expired,
  everything on SQLite. Correctness never depends on the layout; the drop only spares the database the deletes.
- `convert()` turns a plain table into a partitioned one (the migrations' PartitionByRange): its rows stay, the
  old ones in one `_legacy` partition that retention drops whole once its newest row expires.

Nothing here runs on SQLite (the embedded default has no partitions; the same code paths fall back to rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Literal

from django.db import DatabaseError, connections, transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from fangkong.core import clock

log = logging.getLogger(__name__)

Step = Literal["day", "month", "round"]


@dataclass(frozen=True)
class Partitioned:
    table: str
    column: str
    step: Step
    ahead: int  # partitions made beyond the current one (for "round": ids beyond the newest round's)
    keys: Callable[[str], list[int]] | None = None  # "round": the ids that need a partition, read from `using`


@dataclass(frozen=True)
class Partition:
    name: str
    lo: datetime | int | None  # None: MINVALUE (the legacy partition); an id for a table by round
    hi: datetime | int


# Registered by the owning apps (their AppConfig.ready). The SQL functions keep their own allow-list: this one says
# what the job makes, theirs what the app's role may ask for.
_tables: dict[str, Partitioned] = {}


def register(
    table: str, *, column: str = "at", step: Step, ahead: int, keys: Callable[[str], list[int]] | None = None
) -> None:
    if (step == "round") != (keys is not None):
        raise ValueError(f"{table}: a table by round names its keys, and only such a table")
    _tables[table] = Partitioned(table, column, step, ahead, keys)


def registered() -> list[Partitioned]:
    return list(_tables.values())


# ---------------------------------------------------------------- names and bounds on the district's calendar


def _next(day: date, step: Step) -> date:
    if step == "day":
        return day + timedelta(days=1)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _first(day: date, step: Step) -> date:
    return day if step == "day" else day.replace(day=1)


def span(table: str, step: Step, day: date) -> tuple[str, datetime, datetime]:
    """The partition holding the district's calendar `day`: its name and [lo, hi)."""
    first = _first(day, step)
    suffix = first.strftime("%Y_%m_%d" if step == "day" else "%Y_%m")
    return f"{table}_p{suffix}", clock.start_of_day(first), clock.start_of_day(_next(first, step))


ROUNDS_PER_PARTITION = 32  # fangkong_partition_create's too (core migration 0014's SQL)


def round_span(table: str, key: int) -> tuple[str, int, int]:
    """The partition holding round `key`'s rows: its name and [first, first + 32), first = 1, 33, 65 …"""
    first = (key - 1) // ROUNDS_PER_PARTITION * ROUNDS_PER_PARTITION + 1
    return f"{table}_r{first}", first, first + ROUNDS_PER_PARTITION


def wanted(entry: Partitioned, today: date, *, using: str = "default") -> list[tuple]:
    if entry.step == "round":
        assert entry.keys is not None
        keys = set(entry.keys(using))
        newest = max(keys, default=0)
        # The next ids too: a round's samples arrive minutes after it is made, into a partition already there.
        keys.update(range(newest + 1, newest + 1 + entry.ahead))
        return sorted({round_span(entry.table, key) for key in keys}, key=lambda span: span[1])
    day, spans = _first(today, entry.step), []
    for _ in range(entry.ahead + 1):
        spans.append(span(entry.table, entry.step, day))
        day = _next(day, entry.step)
    return spans


# ---------------------------------------------------------------- what the database has


def _postgres(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def is_partitioned(table: str, *, using: str = "default") -> bool:
    if not _postgres(using):
        return False
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
        return cursor.fetchone() is not None


def partitions(table: str, *, using: str = "default") -> list[Partition]:
    """The table's range partitions, oldest first (the default partition left out): one query, the bounds read
    back by PostgreSQL from the text it prints them in."""
    if not _postgres(using):
        return []
    with connections[using].cursor() as cursor:
        # The bounds are read as the key column's type: a round's id or a moment.
        cursor.execute(
            "SELECT format_type(a.atttypid, NULL) FROM pg_partitioned_table pt JOIN pg_attribute a"
            " ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0] WHERE pt.partrelid = to_regclass(%s)",
            [table],
        )
        row = cursor.fetchone()
        if row is None:
            return []
        cast = "bigint" if row[0] in ("bigint", "integer", "smallint") else "timestamptz"
        cursor.execute(
            f"SELECT name, substring(bound FROM 'FROM \\(''([^'']+)''\\)')::{cast},"
            f" substring(bound FROM 'TO \\(''([^'']+)''\\)')::{cast}"
            " FROM (SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)) p"
            " WHERE bound <> 'DEFAULT' ORDER BY 3",
            [table],
        )
        return [Partition(name, lo, hi) for name, lo, hi in cursor.fetchall()]  # lo None: FROM (MINVALUE)


# ---------------------------------------------------------------- the job


def ensure(*, tables: list[str] | None = None, using: str = "default") -> list[str]:
    """Make the current and the next partitions of every registered table (or of `tables`) that is partitioned
    here; the names made. Rows already in the default partition for a new range are moved into it."""
    made: list[str] = []
    if not _postgres(using):
        return made
    today = clock.localdate()
    for entry in registered():
        if tables is not None and entry.table not in tables:
            continue
        if not is_partitioned(entry.table, using=using):
            continue
        have = {p.name for p in partitions(entry.table, using=using)}
        for name, _lo, _hi in wanted(entry, today, using=using):
            if name in have:
                continue
            try:
                with transaction.atomic(using=using), connections[using].cursor() as cursor:
                    cursor.execute("SELECT fangkong_partition_create(%s, %s)", [entry.table, name])
                    if cursor.fetchone()[0]:
                        made.append(name)
            except DatabaseError:
                # A lock not granted within a second: the next hour's run makes it (rows meanwhile land in the
                # default partition and are moved in then). The purge that called this goes on.
                log.warning("partitions: %s not made now", name, exc_info=True)
                break
    return made


def default_rows(table: str, *, using: str = "default") -> int:
    """Rows in the default partition (held rows, late scans): what the status shows and the purge walks."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connections[using].ops.quote_name(table + '_default')}")
        return cursor.fetchone()[0]


def drop_before(
    model: type[Model],
    *,
    before: datetime,
    keep: list[Q],
    settle: Callable[[QuerySet], object],
    dry_run: bool = False,
) -> int:
    """Retention's fast path: drop every partition of `model`'s table that ends at or before `before`; the rows
    dropped. `keep` are the rules that hold a row back (as for core.purging.in_ranges): those rows are written back
    through the parent. `settle(rows)` runs first on the rows going, in the same transaction (count them for the
    statistics, unlink what refers to them). A partition that cannot be dropped now (a lock not granted within 1 s)
    is left to the row-by-row purge, and so are the rest of tonight's. A dry run drops nothing (the row-by-row
    purge counts)."""
    using = "default"
    table = model._meta.db_table
    if dry_run or not is_partitioned(table, using=using):
        return 0
    if _tables[table].step == "round":
        raise ValueError(f"{table} is partitioned by round, not by time: nothing is dropped by age")
    column = _tables[table].column
    dropped = 0
    for part in partitions(table, using=using):
        assert isinstance(part.hi, datetime)  # a table by time (above)
        if part.hi > before:
            break
        try:
            dropped += _drop_one(model, table, column, part, keep, settle, using)
        except DatabaseError:
            # Most likely a lock not granted within a second (a long report or a backup reading the table): each
            # try queues behind it and holds up the scanners' inserts meanwhile, so no second try tonight.
            log.warning("partitions: %s not dropped now; its rows go one by one", part.name, exc_info=True)
            break
    return dropped


def _drop_one(model, table: str, column: str, part: Partition, keep, settle, using: str) -> int:
    q = connections[using].ops.quote_name
    in_range = {f"{column}__lt": part.hi} | ({f"{column}__gte": part.lo} if part.lo else {})
    # Through the parent with the partition's range: exactly the partition's rows (the default partition cannot
    # hold rows of a range that has its own partition).
    rows = model._default_manager.using(using).filter(**in_range)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        held = 0
        if keep:
            # The rules are read once: a case released between two readings would otherwise have its passage both
            # kept and counted as gone (then counted again when the row-by-row purge deletes it).
            sql, params = rows.filter(reduce(or_, keep)).query.sql_with_params()
            cursor.execute(f"CREATE TEMP TABLE fangkong_held ON COMMIT DROP AS {sql}", params)
            held = cursor.rowcount
            rows = rows.exclude(pk__in=RawSQL("SELECT id FROM fangkong_held", ()))
        going = rows.count()
        settle(rows)
        # A table with deferred foreign-key checks still pending cannot be dropped: run them now (Django's own
        # check_constraints: immediate, then deferred again). Only rows written in this transaction have any.
        connections[using].check_constraints()
        cursor.execute("SELECT fangkong_partition_drop(%s, %s)", [table, part.name])
        if keep:
            columns = ", ".join(q(f.column) for f in model._meta.concrete_fields)
            cursor.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM fangkong_held")
            cursor.execute("DROP TABLE fangkong_held")
    log.info("partitions: dropped %s (%d rows, %d kept)", part.name, going, held)
    return going


# ---------------------------------------------------------------- turning a table into a partitioned one


def convert(cursor, table: str, column: str, step: Step) -> None:
    """Partition `table` by RANGE(`column`) in place (one transaction, under an exclusive lock: the migration's).
    By "round": a partition for each round the table has rows of, and the default.

    The new parent takes the table's name, columns, defaults, identity (its sequence keeps counting from where it
    was), checks, indexes, foreign keys and triggers under their own names; the primary key becomes (id, column)
    (PostgreSQL's rule: a unique key of a partitioned table holds its partition key; Django still reads and writes
    rows by id). Rows before today go to one `_legacy` partition, the rest to today's and the default. Foreign
    keys pointing at the table must have been removed before (their rows keep their own time and place)."""
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    if cursor.fetchone()[0] == "p":
        return
    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    cursor.execute("SELECT conname FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'", [table])
    incoming = [name for (name,) in cursor.fetchall()]
    if incoming:
        raise RuntimeError(f"{table}: foreign keys point at it ({', '.join(incoming)}); drop them first")
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass AND NOT indisprimary"
        " UNION ALL SELECT format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', %s, conname, pg_get_constraintdef(oid))"
        "   FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'"
        " UNION ALL SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        [table, table, table, table],
    )
    ddl = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [table])
    (pkey,) = cursor.fetchone()
    sequence = _sequence(cursor, table)
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last_value, is_called = cursor.fetchone()
    old = f"{table}_unpartitioned"
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    cursor.execute(f'ALTER INDEX "{pkey}" RENAME TO "{old}_pkey"')
    cursor.execute(
        f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS'
        f' INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ("{column}")'
    )
    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{pkey}" PRIMARY KEY (id, "{column}")')
    # Whoever could read and write the table (the app's role) can read and write the new one and its sequence.
    grant = "SELECT fangkong_partition_grants(%s::regclass, %s::regclass)"
    cursor.execute(grant, [f'"{old}"', f'"{table}"'])
    cursor.execute(grant, [sequence, _sequence(cursor, table)])
    made = []
    if step == "round":  # a partition for each block of rounds that has rows; the job makes the coming ones
        cursor.execute(f'SELECT DISTINCT "{column}" FROM "{old}"')
        spans = sorted({round_span(table, key) for (key,) in cursor.fetchall()}, key=lambda span: span[1])
    else:
        today = clock.localdate()
        _name, first, _hi = span(table, step, today)
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{old}" WHERE "{column}" < %s)', [first])
        if cursor.fetchone()[0]:
            made.append(f"{table}_legacy")
            cursor.execute(
                f'CREATE TABLE "{table}_legacy" PARTITION OF "{table}" FOR VALUES FROM (MINVALUE) TO (%s)', [first]
            )
        spans = wanted(Partitioned(table, column, step, 0), today)
    for name, lo, hi in spans:
        made.append(name)
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES FROM (%s) TO (%s)', [lo, hi])
    made.append(f"{table}_default")
    cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
    for name in made:
        cursor.execute(grant, [f'"{table}"', f'"{name}"'])
        cursor.execute("SELECT fangkong_partition_extras(%s::regclass, %s::regclass)", [f'"{table}"', f'"{name}"'])
    cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # rows written in this transaction: checked now, or no DROP
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(f'DROP TABLE "{old}"')  # not CASCADE: anything still depending on it stops the migration
    cursor.execute(f'ALTER SEQUENCE {_sequence(cursor, table)} RENAME TO "{table}_id_seq"')
    cursor.execute(f"SELECT setval('\"{table}_id_seq\"', %s, %s)", [last_value, is_called])
    for statement in ddl:
        cursor.execute(statement)
    cursor.execute(f'ANALYZE "{table}"')


def _sequence(cursor, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])
    return cursor.fetchone()[0]
