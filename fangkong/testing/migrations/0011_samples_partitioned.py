"""Samples partitioned by testing round (core.partitions): a partition for each round that has samples, the next
rounds' made by the job; the once-per-round unique key holds the partition key (round_id), so it stays whole."""

from django.db import migrations

from fangkong.core.migrations._operations import PartitionByRange


class Migration(migrations.Migration):
    dependencies = [
        ("testing", "0010_pool_sizes_lab_capacity"),
        ("core", "0014_partitions"),
    ]

    operations = [PartitionByRange("testing_sample", column="round_id", step="round")]
