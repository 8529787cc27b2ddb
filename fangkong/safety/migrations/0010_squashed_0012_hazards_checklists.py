"""Safety 0010–0012 squashed: the open hazards' index, whom a checklist is for and what it fits, the digest of the
built-in a version was written from. The originals stay for databases part-way through them (their data step is
theirs, imported by name: a module name starting with a digit is not an identifier)."""

import importlib

import django.db.migrations.operations.special
from django.conf import settings
from django.db import migrations, models

_0011 = importlib.import_module("fangkong.safety.migrations.0011_checklist_audience_industries")

class Migration(migrations.Migration):

    replaces = [('safety', '0010_hazard_open_jpath'), ('safety', '0011_checklist_audience_industries'), ('safety', '0012_checklist_builtin_digest')]

    dependencies = [
        ('registry', '0009_residentcount'),
        ('safety', '0001_squashed_0009_accident_incident_in_incidents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('state', 'closed'), _negated=True), fields=['jpath'], include=('grade', 'state', 'deadline'), name='hazard_open_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddField(
            model_name='checklist',
            name='audience',
            field=models.CharField(choices=[('enterprise', 'Enterprise inspections'), ('supervision', 'Supervision of governments and departments')], default='enterprise', max_length=12),
        ),
        migrations.AddField(
            model_name='checklist',
            name='industries',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='checklist',
            name='risks',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(
            code=_0011.measures_for_supervision,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
        migrations.AddField(
            model_name='checklist',
            name='builtin_digest',
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
