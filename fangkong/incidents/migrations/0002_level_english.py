"""Incident levels get an English name (blank: an English page shows the Chinese), and the built-in levels
already in a district's table get the English of the defaults (`services.DEFAULT_LEVELS`, copied here as it was: a
migration keeps meaning what it meant). Only where the row still holds the default's Chinese name: a level the
district renamed is its own, and an English name for it is the district's to give."""

from django.db import migrations, models

# code: (name, name in English)
DEFAULTS = {
    "I": ("特别重大", "Particularly serious"),
    "II": ("重大", "Serious"),
    "III": ("较大", "Relatively serious"),
    "IV": ("一般", "General"),
}


def fill(apps, schema_editor):
    IncidentLevel = apps.get_model("incidents", "IncidentLevel")
    for code, (name, name_en) in DEFAULTS.items():
        IncidentLevel.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="incidentlevel",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="name in English"),
        ),
        # elidable: a fresh database gets the English with the defaults themselves (services.ensure_levels)
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
