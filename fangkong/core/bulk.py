"""Inserting many rows fast: COPY on PostgreSQL, bulk_create elsewhere. Each object gets its primary key.

ORM bulk_create builds one huge parameterised INSERT per batch, and compiling it costs more than the database
spends storing the rows. COPY streams the values instead. Ids are reserved from the table's sequence first, so
callers (audit events naming the new rows) know them, exactly as with bulk_create.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
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
