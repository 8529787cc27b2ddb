"""An accident's incident now lives in the incidents app (see incidents 0001): the same table and constraint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0008_hazard_industry_and_indexes"),
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accident",
                    name="incident",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="accident", to="incidents.incident"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
