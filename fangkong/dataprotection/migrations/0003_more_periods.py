"""Default periods for the classes added after 0002 (cases, close contacts, transfers, status changes, inpatients,
violations, supply requests, volunteers' sign-ups). Written out, not read from classes.py (see 0002)."""

from django.db import migrations

DEFAULTS = {
    "transfers": 90,
    "close_contacts": 60,
    "cases": 180,
    "status_changes": 365,
    "inpatients": 30,
    "violations": 180,
    "supply_requests": 30,
    "volunteers": 30,
}


def seed(apps, schema_editor):
    RetentionPeriod = apps.get_model("dataprotection", "RetentionPeriod")
    for key, value in DEFAULTS.items():
        RetentionPeriod.objects.get_or_create(data_class=key, defaults={"days": value})


class Migration(migrations.Migration):
    dependencies = [("dataprotection", "0002_default_periods")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
