"""The zone protocol's defaults (domain brief): sealed / controlled / prevention in use; the later high / medium /
low risk scheme with 7-day criteria present but not in use, for the district to switch to."""

from __future__ import annotations

from django.db import migrations

from fangkong.containment.defaults import DEFAULT_LEVELS as LEVELS  # plain data, no models


def seed(apps, schema_editor):
    ZoneLevel = apps.get_model("containment", "ZoneLevel")
    for code, name, colour, restrictions, rank, quiet, contact, negative, with_others, active in LEVELS:
        ZoneLevel.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "colour": colour,
                "restrictions": restrictions,
                "rank": rank,
                "quiet_days": quiet,
                "contact_days": contact,
                "negative_days": negative,
                "lifts_with_others": with_others,
                "active": active,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("containment", "0001_initial")]
    # elidable: core.defaults writes the same levels after every migrate (protocol.ensure_default_levels)
    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=True)]
