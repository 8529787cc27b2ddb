"""Command 0012–0013 squashed: incident reports moved to their own app, a directive's hall alert. The originals stay for databases part-way through them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('command', '0012_incidents_to_their_app'), ('command', '0013_directive_alert')]

    dependencies = [
        ("command", "0011_notification_to_core"),
        ("incidents", "0001_initial"),
        ("safety", "0009_accident_incident_in_incidents"),
        ('core', '0010_hallalert'),
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
        migrations.AddField(
            model_name='directive',
            name='alert',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='directives', to='core.hallalert'),
        ),
    ]
