"""Samples partitioned by testing round (core.partitions): a partition for each block of 32 rounds that has samples,
the next made by the job; the once-per-round unique key holds the partition key (round_id), so it stays whole."""

from django.db import migrations

from fangkong.core.migrations._operations import PartitionByRange
from fangkong.core.migrations._partition_sql import FUNCTIONS, Functions


class Migration(migrations.Migration):
    dependencies = [
        ("testing", "0010_pool_sizes_lab_capacity"),
        ("core", "0014_partitions"),
    ]

    operations = [
        # The partition functions as they are now: a database that ran core's 0014 before they knew the samples'
        # blocks of rounds is given the current text (CREATE OR REPLACE); a fresh one gets the same text again.
        Functions(FUNCTIONS, migrations.RunSQL.noop),
        PartitionByRange("testing_sample", column="round_id", step="round"),
    ]
