"""Inserting many rows fast: COPY on PostgreSQL, bulk_create elsewhere. Each object gets its primary key.

ORM bulk_create builds one huge parameterised INSERT per batch, and compiling it costs more than the database
spends storing the rows. COPY streams the values instead. Ids are reserved from the table's sequence first, so
callers (audit events naming the new rows) know them, exactly as with bulk_create.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import (
    BigAutoField,
    BigIntegerField,
    BinaryField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)

M = TypeVar("M", bound=Model)

# Fields whose Python value psycopg adapts as it is (get_db_prep_save would only hand it back, slowly).
# DateTimeField is safe because values are always timezone-aware (USE_TZ). Anything else (JSON …) is prepared.
_RAW = (
    BigAutoField,
    BigIntegerField,
    BinaryField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    TextField,
)


def insert_many(objs: Sequence[Model], batch_size: int = 2000) -> None:
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    assert meta.pk is not None and meta.pk.column is not None
    fields = list(meta.concrete_fields)
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        raw = [(f.attname, None if isinstance(f, _RAW) else f) for f in fields]
        # COPY runs on the raw psycopg cursor: translate its errors (a unique violation) into Django's, as the
        # ORM would, so callers can catch IntegrityError.
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row(
                    [
                        values[name] if prep is None else prep.get_db_prep_save(values[name], connection)
                        for name, prep in raw
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


_INSERT_SQL: dict[tuple[str, type], tuple[str, bool, list]] = {}


def insert_one(obj: M) -> M:
    """Insert one row and set its primary key, with the INSERT statement compiled once per model.

    For hot paths that write a few rows per request (a checkpoint registration, an audit event): the ORM's save()
    rebuilds and adapts its SQL every time, which costs more than the database takes to store the row.
    Field values are prepared as in insert_many; defaults must already be on the object (they are, once it is
    constructed). Signals are not sent: nothing in this project listens to model signals.
    """
    model = type(obj)
    key = (connection.vendor, model)
    if key not in _INSERT_SQL:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        pk = connection.ops.quote_name(meta.pk.column)  # type: ignore[union-attr, arg-type]
        sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})"
        returning = connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {pk}"
        # psycopg sends an aware datetime as it is; sqlite3 would store it as text with its offset ("12:00+08:00"),
        # which SQLite's text comparison then orders wrongly against the UTC text the ORM writes: prepared there.
        sqlite_dt = connection.vendor != "postgresql"
        plan = [
            (f.attname, None if isinstance(f, _RAW) and not (sqlite_dt and isinstance(f, DateTimeField)) else f)
            for f in fields
        ]
        _INSERT_SQL[key] = (sql, returning, plan)
    sql, returning, plan = _INSERT_SQL[key]
    values = obj.__dict__
    params = [values[name] if prep is None else prep.get_db_prep_save(values[name], connection) for name, prep in plan]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


_SELECT_SQL: dict[tuple[str, type, tuple[str, ...]], tuple[str, list, list]] = {}


def get_by(model: type[M], **equals) -> M | None:
    """The one row whose columns equal `equals` (or None), as a model instance, with the SELECT compiled once per
    model and set of keys. For lookups on a hot path by a unique key; the ORM would rebuild the query each time."""
    keys = tuple(sorted(equals))
    cache_key = (connection.vendor, model, keys)
    if cache_key not in _SELECT_SQL:
        meta = model._meta
        fields = list(meta.concrete_fields)
        by_name = {f.name: f for f in fields} | {f.attname: f for f in fields}
        table = connection.ops.quote_name(meta.db_table)
        where = " AND ".join(f"{connection.ops.quote_name(by_name[k].column or k)} = %s" for k in keys)
        columns = ", ".join(f"{table}.{connection.ops.quote_name(f.column or f.attname)}" for f in fields)
        sql = f"SELECT {columns} FROM {table} WHERE {where} LIMIT 1"
        converters = []
        for f in fields:
            col = f.get_col(meta.db_table)
            converters.append(connection.ops.get_db_converters(col) + f.get_db_converters(connection))
        _SELECT_SQL[cache_key] = (sql, [f.attname for f in fields], list(zip(converters, fields, strict=True)))
    sql, attnames, conversion = _SELECT_SQL[cache_key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [equals[k] for k in keys])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (converters, field) in zip(row, conversion, strict=True):
        for convert in converters:
            value = convert(value, field.get_col(model._meta.db_table), connection)
        values.append(value)
    return model.from_db(connection.alias, attnames, values)


def write_rows(table: str, columns: Sequence[str], rows) -> int:
    """Tuples straight into `table`: COPY on PostgreSQL, executemany in chunks elsewhere. For bulk paths where
    building model instances would cost more than storing the rows (seeding a city, a 10,000-scan batch)."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            types = _binary_types(cursor, table, columns)
            sql = f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN"
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(sql + (" (FORMAT binary)" if types else "")) as copy,
            ):
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch: list = []
        for row in rows:
            batch.append(_sqlite_row(row))
            if len(batch) >= 20_000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


# Column types whose binary form psycopg writes from the Python values these paths hold (int, bool, str, aware
# datetime, date, bytes): binary COPY costs a fifth of text COPY in Python and less in the server (measured on 10,000
# samples: 14.7 → 2.7 ms in Python, 37 → 32 ms in PostgreSQL). A table with any other column type (json, where a
# str would be written as a JSON string) is copied as text.
_BINARY_SAFE = frozenset(["int2", "int4", "int8", "bool", "text", "varchar", "bpchar", "timestamptz", "date", "bytea"])
_COPY_TYPES: dict[tuple[str, str, tuple[str, ...]], list[str] | None] = {}


def _binary_types(cursor, table: str, columns: Sequence[str]) -> list[str] | None:
    key = (connection.settings_dict["NAME"], table, tuple(columns))
    if key not in _COPY_TYPES:
        cursor.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [connection.ops.quote_name(table)],
        )
        found = dict(cursor.fetchall())
        types = [found.get(c, "") for c in columns]
        # By name: a temporary staging table (upsert_rows) is created again in each session, with the same types.
        _COPY_TYPES[key] = types if all(t in _BINARY_SAFE for t in types) else None
    return _COPY_TYPES[key]


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert tuples and return their new ids (column `id`), in order: for bulk paths that need the ids of the rows
    they create (a batch's new tubes, which its samples point to) without building model instances.
    PostgreSQL: ids reserved from the table's sequence, then COPY; elsewhere one INSERT per row."""
    if not rows:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            write_rows(table, ["id", *columns], [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
            return ids
        q = connection.ops.quote_name
        sql = f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        ids = []
        for row in rows:
            cursor.execute(sql, _sqlite_row(row))
            ids.append(cursor.lastrowid)
        return ids


def _sqlite_row(row) -> tuple:
    """Timestamps as the ORM stores them on SQLite (naive UTC text), so that ORM filters compare like with like."""
    adapt = connection.ops.adapt_datetimefield_value
    return tuple(adapt(v) if isinstance(v, datetime) else v for v in row)


def upsert_rows(table: str, columns: Sequence[str], rows, *, key: str) -> int:
    """Insert tuples or, where a row with the same `key` exists, overwrite its other columns. PostgreSQL: COPY
    into a temporary table, then one INSERT … ON CONFLICT (a status recompute of 50,000 people is one statement,
    not 50,000); elsewhere executemany of the same upsert."""
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in columns if c != key)
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {q(table)} ({cols}) VALUES ({marks}) ON CONFLICT ({q(key)}) DO UPDATE SET {updates}"
        batch = [_sqlite_row(row) for row in rows]
        with connection.cursor() as cursor:
            for i in range(0, len(batch), 20_000):
                cursor.executemany(sql, batch[i : i + 20_000])
        return len(batch)
    rows = list(rows)
    if len(rows) <= 200:
        # A few rows (one person's status after a registration): one multi-row statement; the staging table's
        # create, truncate and COPY cost more than the rows (measured: 6.7 → 5 ms for one).
        if not rows:
            return 0
        marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(table)} ({cols}) VALUES {marks} ON CONFLICT ({q(key)}) DO UPDATE SET {updates}",
                [v for row in rows for v in row],
            )
        return len(rows)
    staging = q(f"upsert_{table}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {q(table)}) ON COMMIT DELETE ROWS")
        cursor.execute(f"TRUNCATE {staging}")
        count = write_rows(f"upsert_{table}", columns, rows)
        cursor.execute(
            f"INSERT INTO {q(table)} ({cols}) SELECT {cols} FROM {staging}"
            f" ON CONFLICT ({q(key)}) DO UPDATE SET {updates}"
        )
    return count


def in_list(column: str, values: Sequence) -> tuple[str, list]:
    """SQL and parameters for `column IN values`: one array parameter on PostgreSQL (a 10,000-value IN list costs
    more to build and parse than to look up), placeholders elsewhere."""
    if connection.vendor == "postgresql":
        # A semi-join over unnest, not `= ANY(array)`: with stale statistics (a table that grew from empty during a
        # round) the planner may scan rows and compare each with the whole array — 18 s per batch at 700,000
        # samples, measured. The semi-join is hashed or driven through the index whatever the statistics.
        if values and all(isinstance(v, int) for v in values):
            return f"{column} IN (SELECT unnest(%s::bigint[]))", [list(values)]
        # Strings (codes, hashes) as one comma-separated text split by the server: psycopg quotes each element of
        # an array parameter in Python, which cost more than the look-ups (measured: 2,000 hashes 10.5 → 8.2 ms).
        # Only when no value holds a comma (and not for one empty string, which splits into no element at all).
        try:
            joined = ",".join(values)
        except TypeError:
            joined = ""
        if joined and joined.count(",") == len(values) - 1:
            return f"{column} IN (SELECT unnest(string_to_array(%s, ',')))", [joined]
        return f"{column} IN (SELECT unnest(%s::text[]))", [list(values)]
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def select_rows(sql: str, params: Sequence) -> list[tuple]:
    """Rows of a raw SELECT. On PostgreSQL the parameters travel apart from the statement (server-side binding):
    a testing batch's 10,000 codes are one 130 kB parameter, which Django's cursors, binding on the client, would
    quote into the statement in Python for the server to lex back (measured on a 10,000-scan batch: 80 → 72 ms
    in Python, 88 → 82 ms in PostgreSQL)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        # Not prepared: a bulk statement's plan depends on its parameters (how many keys), so it is planned with them.
        return cursor.execute(sql, params, prepare=False).fetchall()


def count_add(table: str, keys: dict[str, Any], n: int = 1) -> None:
    """Add `n` to the counter row of `table` named by `keys` (creating it at `n`): one INSERT … ON CONFLICT DO
    UPDATE, in the caller's transaction, for summaries kept in step by the writes they count (the hall's
    arrivals by day). The key columns carry a unique constraint; the count column is `n`."""
    q = connection.ops.quote_name
    columns = list(keys)
    cols = ", ".join(q(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    conflict = ", ".join(q(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(table)} ({cols}, n) VALUES ({marks}, %s) ON CONFLICT ({conflict}) DO UPDATE SET"
            f" n = {q(table)}.n + EXCLUDED.n",
            [*keys.values(), n],
        )
