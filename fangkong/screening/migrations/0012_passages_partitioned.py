"""Passages partitioned by the district's day (core.partitions): the links to them lose their database constraint
first (a day's partition is dropped whole), then the table is converted, its rows kept."""

import django.db.models.deletion
from django.db import migrations, models

from fangkong.core.migrations._operations import PartitionByRange


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0008_squashed_0011_arrival_counts_alerts_contact_loops'),
        ('core', '0014_partitions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='followup',
            name='passage',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='followup', to='screening.passage'),
        ),
        migrations.AlterField(
            model_name='violation',
            name='passage',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='violation', to='screening.passage'),
        ),
        PartitionByRange('screening_passage', column='at', step='day'),
    ]
