"""Containment 0009–0010 squashed: the status table's partial indexes, the red-and-yellow one created once with the
colour it carries (0009 created it without, 0010 dropped and re-created it). The originals stay for databases
part-way through them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("containment", "0009_personstatus_personstatus_alert_jpath_and_more"),
        ("containment", "0010_remove_personstatus_personstatus_alert_jpath_and_more"),
    ]

    dependencies = [
        ("containment", "0001_squashed_0008_person_status_colour_nullable"),
        ("registry", "0001_squashed_0007_personal_codes"),
        ("registry", "0008_jurisdiction_boundary_place_lat_place_lon_unit_lat_and_more"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="personstatus",
            index=models.Index(
                condition=models.Q(("valid_until__isnull", False)),
                fields=["valid_until"],
                name="personstatus_valid_until",
            ),
        ),
        migrations.AddIndex(
            model_name="personstatus",
            index=models.Index(
                condition=models.Q(("colour__isnull", True)), fields=["person"], name="personstatus_invalidated"
            ),
        ),
        migrations.AddIndex(
            model_name="personstatus",
            index=models.Index(
                condition=models.Q(("colour__in", ["red", "yellow"])),
                fields=["jpath"],
                include=("colour",),
                name="personstatus_alert_jpath",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
