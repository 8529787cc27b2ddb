"""The stored status holds no colour while it is invalidated (issue 15, point 9).

Before, `status_invalidate` left the row green with `valid_until` in 2000: every read through the status service
recomputed it, but a report reading the column counted a recalled or isolated person as green. Now the column
may be NULL, and invalidated rows (and rows whose validity ran out: equally unknown until recomputed) lose their
colour. The next read recomputes them exactly as it did (status.status_from_row).

Not atomic, on purpose: on PostgreSQL, DROP NOT NULL changes only the catalogue, but its ACCESS EXCLUSIVE lock
would stay held, blocking every scanner's look-up, for as long as the data step scans a city's table. Committed
first, the data step is then one UPDATE that locks only the rows it changes (a few: the stale ones).
Run again after a failure, both steps are harmless.
"""

from datetime import UTC, datetime

from django.db import migrations, models
from django.utils import timezone

EXPIRED = datetime(2000, 1, 1, tzinfo=UTC)  # status.EXPIRED: how the code before this marked an invalidated row


def empty_stale_colours(apps, schema_editor):
    PersonStatus = apps.get_model("containment", "PersonStatus")
    PersonStatus.objects.filter(valid_until__lte=timezone.now(), colour__isnull=False).update(colour=None)


def restore_green_placeholders(apps, schema_editor):
    """Backwards: the old marker (green, expired), which the old code recomputes on reading."""
    PersonStatus = apps.get_model("containment", "PersonStatus")
    PersonStatus.objects.filter(colour__isnull=True).update(colour="green", valid_until=EXPIRED)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("containment", "0007_two_person_revoke_and_early_lift"),
    ]

    operations = [
        migrations.AlterField(
            model_name="personstatus",
            name="colour",
            field=models.CharField(
                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red")], max_length=6, null=True
            ),
        ),
        migrations.RunPython(empty_stale_colours, restore_green_placeholders, elidable=True),
    ]
