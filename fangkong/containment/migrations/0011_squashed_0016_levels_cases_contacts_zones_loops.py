"""Containment 0011–0016 squashed: zone levels in English, the epidemiology of cases (classification, onset, source, cluster, outcome, workplace), contacts managed by the contact protocol, co-presence reviews, zones drafted for cases, contacts sharing one loop. The originals stay for databases part-way through them; their data steps (English names for the default levels, contacts' loops marked) have nothing to do on a fresh database, whose levels are written with their English after migrate (containment.defaults)."""

import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('containment', '0011_zone_level_english'), ('containment', '0012_cases_epidemiology'), ('containment', '0013_case_outcome_contact_protocol'), ('containment', '0014_copresence_review'), ('containment', '0015_zones_follow_cases'), ('containment', '0016_contacts_share_one_loop')]

    dependencies = [
        ('containment', '0009_squashed_0010_personstatus_alert_index'),
        ('registry', '0013_person_ended'),
        ('screening', '0010_followup_missed_alerted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('screening', '0011_contacts_share_one_loop'),
    ]

    operations = [
        migrations.AddField(
            model_name='zonelevel',
            name='name_en',
            field=models.CharField(blank=True, max_length=60, verbose_name='name in English'),
        ),
        migrations.AddField(
            model_name='zonelevel',
            name='restrictions_en',
            field=models.TextField(blank=True, verbose_name='restrictions in English'),
        ),
        migrations.AddField(
            model_name='case',
            name='classification',
            field=models.CharField(choices=[('confirmed', 'Confirmed case'), ('asymptomatic', 'Asymptomatic infection')], default='confirmed', max_length=12, verbose_name='classification'),
        ),
        migrations.AddField(
            model_name='case',
            name='onset_date',
            field=models.DateField(blank=True, null=True, verbose_name='onset of symptoms'),
        ),
        migrations.AddField(
            model_name='case',
            name='source_case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='infected', to='containment.case', verbose_name='source case'),
        ),
        migrations.AddField(
            model_name='case',
            name='source_certainty',
            field=models.CharField(choices=[('known', 'Known source'), ('suspected', 'Suspected source'), ('unknown', 'Source unknown')], default='unknown', max_length=10, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='exposure',
            field=models.CharField(choices=[('household', 'Household'), ('workplace', 'Workplace'), ('venue', 'Venue'), ('vehicle', 'Vehicle'), ('copresence', 'Co-presence (same place and time)'), ('other', 'Other')], default='other', max_length=12, verbose_name='how they met'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='kind',
            field=models.CharField(choices=[('close', 'Close contact'), ('secondary', 'Secondary contact')], default='close', max_length=10, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='Cluster',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('kind', models.CharField(choices=[('family', 'Family'), ('workplace', 'Workplace'), ('venue', 'Venue'), ('market', 'Market'), ('other', 'Other')], default='other', max_length=10, verbose_name='kind')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('jpath', models.CharField(max_length=128)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddField(
            model_name='case',
            name='cluster',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='cases', to='containment.cluster', verbose_name='cluster'),
        ),
        migrations.AddIndex(
            model_name='cluster',
            index=models.Index(fields=['jpath'], name='cluster_jpath_prefix', opclasses=['varchar_pattern_ops']),
        ),
        migrations.CreateModel(
            name='ContactProtocol',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('close', 'Close contact'), ('secondary', 'Secondary contact')], max_length=10, unique=True, verbose_name='kind')),
                ('central_days', models.PositiveSmallIntegerField(verbose_name='days of central isolation')),
                ('home_days', models.PositiveSmallIntegerField(verbose_name='days at home')),
                ('test_days', models.JSONField(default=list, verbose_name='test days')),
                ('version', models.PositiveIntegerField(default=1)),
                ('updated_at', models.DateTimeField(default=fangkong.core.clock.now)),
            ],
        ),
        migrations.AddField(
            model_name='case',
            name='outcome',
            field=models.CharField(choices=[('in_treatment', 'In treatment'), ('recovered', 'Recovered'), ('died', 'Died')], default='in_treatment', max_length=12, verbose_name='outcome'),
        ),
        migrations.AddField(
            model_name='case',
            name='workplace',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.unit', verbose_name='workplace'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='central_days',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='days of central isolation'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='followup',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.followup'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='handed_over_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='handed over at'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='handed_over_to',
            field=models.CharField(blank=True, max_length=200, verbose_name='handed over to'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='home_days',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='days at home'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='release_note',
            field=models.CharField(blank=True, max_length=300, verbose_name='release note'),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='released_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='released_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='released_early',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='closecontact',
            name='test_days',
            field=models.JSONField(default=list, verbose_name='test days'),
        ),
        migrations.AlterField(
            model_name='case',
            name='source',
            field=models.CharField(choices=[('testing', 'Positive retest'), ('clinic', 'Fever clinic'), ('checkpoint', 'Checkpoint'), ('contact', "A contact's test"), ('manual', 'Recorded by hand')], default='manual', max_length=20, verbose_name='where found'),
        ),
        migrations.AddIndex(
            model_name='closecontact',
            index=models.Index(condition=models.Q(('handed_over_at__isnull', True), ('released_at__isnull', True)), fields=['person'], name='contact_managed_person'),
        ),
        migrations.AddField(
            model_name='contactprotocol',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='CopresenceReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision', models.CharField(choices=[('confirmed', 'Confirmed as a contact'), ('dismissed', 'Dismissed')], max_length=10)),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('decided_at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='copresence_reviews', to='containment.case')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('case', 'person'), name='copresence_review_once')],
            },
        ),
        migrations.AddField(
            model_name='zone',
            name='drafted_for',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='drafted_zones', to='containment.case', verbose_name='drafted for the case'),
        ),
        migrations.AlterField(
            model_name='zone',
            name='requested_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='ZoneDrafting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('drafts_for_cases', models.BooleanField(default=True, verbose_name='draft a zone when a case is confirmed')),
                ('version', models.PositiveIntegerField(default=1)),
                ('updated_at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AlterField(
            model_name='closecontact',
            name='followup',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.followup'),
        ),
    ]
