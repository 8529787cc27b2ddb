"""The inbox now belongs to core (see core 0009): command forgets the model; its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("command", "0010_situation_section_versions"),
        ("core", "0009_notification_from_command"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
