"""The default retention periods, one row per class of personal data (district HQ edits them afterwards).

Written out here rather than read from classes.py: a migration must keep doing what it did when it was written.
Passages take the period already set in the screening settings (their period lives there; this row mirrors it).
"""

from django.db import migrations

DEFAULTS = {
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


def seed(apps, schema_editor):
    RetentionPeriod = apps.get_model("dataprotection", "RetentionPeriod")
    ScreeningSettings = apps.get_model("screening", "ScreeningSettings")
    days = dict(DEFAULTS)
    screening = ScreeningSettings.objects.order_by("pk").first()
    if screening is not None:
        days["passages"] = screening.passage_retention_days
    for key, value in days.items():
        RetentionPeriod.objects.get_or_create(data_class=key, defaults={"days": value})


class Migration(migrations.Migration):
    dependencies = [
        ("dataprotection", "0001_initial"),
        ("screening", "0001_initial"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
