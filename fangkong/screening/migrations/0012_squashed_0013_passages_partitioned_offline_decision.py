"""0012 and 0013 in one (fresh databases; see core/tests/test_squashed_migrations.py). 0012: passages partitioned
by the district's day (core.partitions): the links to them lose their database constraint first (a day's
partition is dropped whole), then the table is converted, its rows kept. 0013: the decision a checkpoint page made
offline, kept beside the server's (screening/offline.py)."""

import django.db.models.deletion
from django.db import migrations, models

from fangkong.core.migrations._operations import PartitionByRange


class Migration(migrations.Migration):
    replaces = [("screening", "0012_passages_partitioned"), ("screening", "0013_passage_offline_decision")]

    dependencies = [
        ("screening", "0008_squashed_0011_arrival_counts_alerts_contact_loops"),
        ("core", "0014_partitions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="followup",
            name="passage",
            field=models.OneToOneField(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="followup",
                to="screening.passage",
            ),
        ),
        migrations.AlterField(
            model_name="violation",
            name="passage",
            field=models.OneToOneField(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="violation",
                to="screening.passage",
            ),
        ),
        PartitionByRange("screening_passage", column="at", step="day"),
        migrations.AddField(
            model_name="passage",
            name="offline_basis",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="passage",
            name="offline_instruction",
            field=models.CharField(
                blank=True,
                choices=[
                    ("central_isolation", "Send to central isolation"),
                    ("turn_back", "Turn back and notify the community"),
                    ("fever_clinic", "Escort to a fever clinic"),
                    ("register_notify", "Register and notify the community"),
                    ("let_pass", "Let pass"),
                ],
                max_length=20,
                verbose_name="instruction given offline",
            ),
        ),
        migrations.AddField(
            model_name="passage",
            name="offline_rule",
            field=models.CharField(blank=True, max_length=32),
        ),
    ]
