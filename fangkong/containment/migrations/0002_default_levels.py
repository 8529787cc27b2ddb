"""The zone protocol's defaults (domain brief): sealed / controlled / prevention in use; the later high / medium /
low risk scheme with 7-day criteria present but not in use, for the district to switch to."""

from __future__ import annotations

from django.db import migrations

LEVELS = [
    # code, name, colour, restrictions, rank, quiet, contact, negative, lifts_with_others, active
    ("sealed", "封控区", "red", "足不出户，上门服务。", 1, 14, 14, 2, False, True),
    ("controlled", "管控区", "yellow", "人不出区，严禁聚集；出现阳性转为封控区。", 2, 14, 14, 2, False, True),
    ("prevention", "防范区", "green", "强化社会面管控，严格限制人员聚集。", 3, 0, 0, 0, True, True),
    ("high", "高风险区", "red", "足不出户，上门服务。", 1, 7, 7, 1, False, False),
    ("medium", "中风险区", "yellow", "人不出区，错峰取物。", 2, 7, 7, 1, False, False),
    ("low", "低风险区", "green", "个人防护，避免聚集。", 3, 0, 0, 0, True, False),
]


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
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
