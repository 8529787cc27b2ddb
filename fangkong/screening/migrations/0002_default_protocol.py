"""The domain brief's defaults; the district edits them afterwards (they are data, not code).

high   → central isolation 7 days (tests on days 1, 4, 7), checkpoint: send to central isolation
medium → home isolation 7 days, tests on days 1, 4, 7, checkpoint: register and notify the community
low    → two tests in three days (days 1 and 3), checkpoint: register and notify the community
"""

from django.db import migrations

DEFAULTS = [
    ("high", "central_isolation", "central_isolation", 7, [1, 4, 7]),
    ("medium", "register_notify", "home_isolation", 7, [1, 4, 7]),
    ("low", "register_notify", "tests_only", 3, [1, 3]),
]


def forward(apps, schema_editor):
    RiskProtocol = apps.get_model("screening", "RiskProtocol")
    ScreeningSettings = apps.get_model("screening", "ScreeningSettings")
    for level, instruction, measure, days, test_days in DEFAULTS:
        RiskProtocol.objects.get_or_create(
            level=level, defaults={"instruction": instruction, "measure": measure, "days": days, "test_days": test_days}
        )
    if not ScreeningSettings.objects.exists():
        ScreeningSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    # elidable: core.defaults writes the same rows after every migrate (RiskProtocol, ScreeningSettings.ensure_defaults)
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
