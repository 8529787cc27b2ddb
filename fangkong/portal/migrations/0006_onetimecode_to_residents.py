"""Residents' one-time codes now belong to the residents' edge (see residents 0001): the portal forgets the model;
the table stays where it is, with its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_approved_mac"),
        ("residents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OneTimeCode")],
            database_operations=[],
        ),
    ]
