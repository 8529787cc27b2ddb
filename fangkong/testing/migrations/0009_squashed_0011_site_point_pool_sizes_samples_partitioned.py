"""Testing 0009–0011 squashed: a site's point on the map; HQ's pool size per grid for a round and a laboratory's
tubes per hour (the pool plan, issue 19); samples partitioned by round on PostgreSQL (issue 21). The originals stay
for databases part-way through them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import PartitionByRange
from fangkong.core.migrations._partition_sql import FUNCTIONS, Functions


class Migration(migrations.Migration):
    replaces = [
        ("testing", "0009_site_lat_site_lon"),
        ("testing", "0010_pool_sizes_lab_capacity"),
        ("testing", "0011_samples_partitioned"),
    ]

    dependencies = [
        ("registry", "0013_person_ended"),
        ("testing", "0001_squashed_0008_personal_codes_to_registry"),
        ("core", "0014_partitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="site",
            name="lat",
            field=models.FloatField(blank=True, null=True, verbose_name="latitude"),
        ),
        migrations.AddField(
            model_name="site",
            name="lon",
            field=models.FloatField(blank=True, null=True, verbose_name="longitude"),
        ),
        migrations.CreateModel(
            name="LabCapacity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tubes_per_hour", models.PositiveIntegerField(verbose_name="tubes per hour")),
                (
                    "unit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="registry.unit"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RoundPoolSize",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("jpath", models.CharField(max_length=128)),
                ("pool_size", models.PositiveSmallIntegerField(verbose_name="people per tube")),
                ("suggested", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("chosen_at", models.DateTimeField(default=fangkong.core.clock.now)),
                (
                    "chosen_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.jurisdiction"
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="pool_sizes", to="testing.round"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("round", "jurisdiction"), name="round_pool_size_once")],
            },
        ),
        Functions(FUNCTIONS, migrations.RunSQL.noop),  # as in 0011: the current partition functions
        PartitionByRange("testing_sample", column="round_id", step="round"),
    ]
