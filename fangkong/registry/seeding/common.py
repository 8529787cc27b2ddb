"""What every part of the demo district shares: its proportions and writing rows with explicit ids fast."""

from __future__ import annotations

from datetime import date

from django.db import connection

PEOPLE_PER_HOUSEHOLD = 2.8
HOUSEHOLDS_PER_COMPOUND = 400
BUILDINGS_PER_COMPOUND = 10
BIRTH_FIRST = date(1938, 1, 1)
BIRTH_LAST = date(2023, 12, 31)


# ---------------------------------------------------------------- writing rows fast


def first_free_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
