"""Incident fast reports move from command to their own app below the domains (work safety's accidents are
incidents; command's duty desk and hall read them). Only Django's idea of the owner changes: the tables keep
their names (command_incident…) and their rows, including the levels seeded by command's migration 0005."""

import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0007_personal_codes'),
        ('command', '0011_notification_to_core'),  # the tables exist from command's 0005 and 0006 on
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IncidentLevel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=8, unique=True)),
                        ('name', models.CharField(max_length=40)),
                        ('initial_minutes', models.PositiveIntegerField(default=60, verbose_name='initial written report within (minutes)')),
                        ('followup_hours', models.PositiveIntegerField(default=24, verbose_name='follow-up at least every (hours)')),
                        ('rank', models.PositiveSmallIntegerField(default=4)),
                    ],
                    options={
                        'db_table': 'command_incidentlevel',
                        'ordering': ['rank'],
                    },
                ),
                migrations.CreateModel(
                    name='Incident',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('occurred_at', models.DateTimeField(verbose_name='occurred')),
                        ('known_at', models.DateTimeField(default=fangkong.core.clock.now, verbose_name='known')),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('jpath', models.CharField(max_length=128)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.jurisdiction')),
                        ('level', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='incidents.incidentlevel')),
                    ],
                    options={
                        'db_table': 'command_incident',
                    },
                ),
                migrations.CreateModel(
                    name='IncidentReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('initial', 'Initial report'), ('followup', 'Follow-up'), ('final', 'Final report')], max_length=8)),
                        ('number', models.PositiveSmallIntegerField(default=0)),
                        ('text', models.TextField()),
                        ('at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='incidents.incident')),
                    ],
                    options={
                        'db_table': 'command_incidentreport',
                        'constraints': [models.UniqueConstraint(fields=('incident', 'kind', 'number'), name='incident_report_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
