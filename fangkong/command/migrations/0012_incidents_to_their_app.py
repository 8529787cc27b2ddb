"""Incident fast reports now belong to the incidents app (see incidents 0001): command forgets the models; the
tables stay where they are, with their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("command", "0011_notification_to_core"),
        ("incidents", "0001_initial"),
        ("safety", "0009_accident_incident_in_incidents"),  # nothing may still point at command's models
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="IncidentReport"),
                migrations.DeleteModel(name="Incident"),
                migrations.DeleteModel(name="IncidentLevel"),
            ],
            database_operations=[],
        ),
    ]
