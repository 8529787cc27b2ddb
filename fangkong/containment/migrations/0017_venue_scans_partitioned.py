"""Venue scans partitioned by the district's day (core.partitions), their rows kept: retention drops whole days."""

from django.db import migrations

from fangkong.core.migrations._operations import PartitionByRange


class Migration(migrations.Migration):
    dependencies = [
        ("containment", "0011_squashed_0016_levels_cases_contacts_zones_loops"),
        ("core", "0014_partitions"),
    ]

    operations = [PartitionByRange("containment_venuescan", column="at", step="day")]
