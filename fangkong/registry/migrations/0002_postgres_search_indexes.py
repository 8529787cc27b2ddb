"""PostgreSQL: a trigram index so "name contains …" stays fast over a city's population. (The prefix filter
on jpath already has Django's varchar_pattern_ops "_like" index.)

Skipped on SQLite. If the pg_trgm extension cannot be created (no privilege), name search still works,
only slower; the migration says so instead of failing the deployment.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT trgm")
            has_trgm = True
        except Exception:  # noqa: BLE001 - any refusal means: go on without the index
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            has_trgm = False
            print("\n  pg_trgm is not available: name search will not use an index")
        if has_trgm:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS registry_person_name_trgm ON registry_person USING gin (name gin_trgm_ops)"
            )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
