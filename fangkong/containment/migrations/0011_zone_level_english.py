"""Zone levels get an English name and restrictions (blank: an English page shows the Chinese), and the built-in
levels already in a district's table get the English of the defaults (`defaults.DEFAULT_ENGLISH`, copied here as it
was: a migration keeps meaning what it meant). Only where the row still holds the default's Chinese: a level the
district renamed or reworded is its own, and an English text for it is the district's to give."""

from django.db import migrations, models

# code: (name, name in English, restrictions, restrictions in English)
DEFAULTS = {
    "sealed": ("封控区", "Sealed zone", "足不出户，上门服务。", "Stay at home; services come to the door."),
    "controlled": (
        "管控区",
        "Controlled zone",
        "人不出区，严禁聚集；出现阳性转为封控区。",
        "Nobody leaves the zone; no gatherings. A positive case turns it into a sealed zone.",
    ),
    "prevention": (
        "防范区",
        "Prevention zone",
        "强化社会面管控，严格限制人员聚集。",
        "Tighter control in public places; gatherings strictly limited.",
    ),
    "high": ("高风险区", "High-risk area", "足不出户，上门服务。", "Stay at home; services come to the door."),
    "medium": (
        "中风险区",
        "Medium-risk area",
        "人不出区，错峰取物。",
        "Nobody leaves the area; collect deliveries at staggered times.",
    ),
    "low": ("低风险区", "Low-risk area", "个人防护，避免聚集。", "Personal protection; avoid gatherings."),
}


def fill(apps, schema_editor):
    ZoneLevel = apps.get_model("containment", "ZoneLevel")
    for code, (name, name_en, restrictions, restrictions_en) in DEFAULTS.items():
        ZoneLevel.objects.filter(code=code, name=name, name_en="").update(name_en=name_en)
        ZoneLevel.objects.filter(code=code, restrictions=restrictions, restrictions_en="").update(
            restrictions_en=restrictions_en
        )


class Migration(migrations.Migration):
    dependencies = [
        ("containment", "0009_squashed_0010_personstatus_alert_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="zonelevel",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name="zonelevel",
            name="restrictions_en",
            field=models.TextField(blank=True, verbose_name="restrictions in English"),
        ),
        # elidable: a fresh database gets the English with the defaults themselves (protocol.ensure_default_levels)
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
