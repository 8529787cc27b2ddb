"""Screening 0008–0011 squashed: arrival counts per day, missed-contact alerts, contacts' loops (kind, central isolation first). The originals stay for databases part-way through them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('screening', '0008_arrivalcount'), ('screening', '0009_remove_arrivalcount_arrivalcount_once_and_more'), ('screening', '0010_followup_missed_alerted'), ('screening', '0011_contacts_share_one_loop')]

    dependencies = [
        ('screening', '0001_squashed_0007_passage_name_as_given'),
        ('registry', '0009_residentcount'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArrivalCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('jpath', models.CharField(max_length=128)),
                ('level', models.CharField(blank=True, max_length=8)),
                ('n', models.PositiveIntegerField(default=0)),
                ('shard', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'jpath', 'level', 'shard'), name='arrivalcount_once_per_shard')],
            },
        ),
        migrations.AddField(
            model_name='followup',
            name='missed_alerted_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(condition=models.Q(('contacted_at__isnull', True), ('missed_alerted_at__isnull', True), ('released_at__isnull', True)), fields=['contact_due_at'], name='followup_missed_unalerted'),
        ),
        migrations.AddField(
            model_name='followup',
            name='central_until',
            field=models.DateTimeField(blank=True, null=True, verbose_name='central isolation until'),
        ),
        migrations.AddField(
            model_name='followup',
            name='kind',
            field=models.CharField(choices=[('arrival', 'Arrival from a risk area'), ('close_contact', 'Close contact'), ('secondary_contact', 'Secondary contact')], default='arrival', max_length=20, verbose_name='kind'),
        ),
    ]
