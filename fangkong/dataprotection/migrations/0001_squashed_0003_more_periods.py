"""Data protection's migrations 0001–0003 squashed (see core 0001_squashed_0009 for why the originals stay).

The default retention periods are written as 0002 and 0003 wrote them, in the same order. core.defaults also
writes any missing after every migrate (dataprotection's `periods`), but in classes.py's order: kept here so that a
fresh database gets the very same rows as before the squash.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels

# Written out, not read from classes.py: a migration keeps doing what it did when it was written (0002, 0003).
DEFAULTS_0002 = {
    "passages": 30,
    "venue_scans": 28,
    "travel_reports": 30,
    "samples": 90,
    "followups": 30,
    "sentinel_reports": 30,
    "reporter_identities": 365,
    "import_files": 1,
    "visitors": 30,
    "api_replies": 2,
}
DEFAULTS_0003 = {
    "transfers": 90,
    "close_contacts": 60,
    "cases": 180,
    "status_changes": 365,
    "inpatients": 30,
    "violations": 180,
    "supply_requests": 30,
    "volunteers": 30,
}


def default_periods(apps, schema_editor):
    """0002 then 0003: one row per class; passages take the period the screening settings hold, if any."""
    RetentionPeriod = apps.get_model("dataprotection", "RetentionPeriod")
    ScreeningSettings = apps.get_model("screening", "ScreeningSettings")
    days = dict(DEFAULTS_0002)
    screening = ScreeningSettings.objects.order_by("pk").first()
    if screening is not None:
        days["passages"] = screening.passage_retention_days
    days.update(DEFAULTS_0003)
    for key, value in days.items():
        RetentionPeriod.objects.get_or_create(data_class=key, defaults={"days": value})


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("dataprotection", "0001_initial"),
        ("dataprotection", "0002_default_periods"),
        ("dataprotection", "0003_more_periods"),
    ]

    dependencies = [
        ("screening", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="DailyCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("data_class", models.CharField(max_length=32)),
                        ("day", models.DateField()),
                        ("jpath", models.CharField(max_length=128)),
                        ("what", models.CharField(blank=True, max_length=64)),
                        ("count", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        "ordering": ["data_class", "day", "jpath", "what"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("data_class", "day", "jpath", "what"), name="dailycount_once"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="RetentionPeriod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("data_class", models.CharField(max_length=32, unique=True, verbose_name="data class")),
                        ("days", models.PositiveIntegerField(verbose_name="days")),
                        ("updated_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "retention period",
                    },
                ),
            ],
        ),
        migrations.RunPython(default_periods, migrations.RunPython.noop),
    ]
