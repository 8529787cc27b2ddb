"""Core 0010–0013 squashed: the command hall's alerts and counts per day, the account state (a given password changed first), notifications and alerts worded in each language. The originals stay for databases part-way through them."""

import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('core', '0010_hallalert'), ('core', '0011_dailycount'), ('core', '0012_accountstate'), ('core', '0013_texts_in_each_language')]

    dependencies = [
        ('core', '0001_squashed_0009_notification_from_command'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='HallAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=48)),
                ('at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('subject', models.CharField(max_length=200)),
                ('link', models.CharField(blank=True, max_length=200)),
                ('jpath', models.CharField(max_length=128)),
                ('ref', models.CharField(blank=True, max_length=64)),
            ],
            options={
                'indexes': [models.Index(fields=['at', 'id'], name='hallalert_at'), models.Index(fields=['jpath'], name='hallalert_jpath', opclasses=['varchar_pattern_ops']), models.Index(condition=models.Q(('ref', ''), _negated=True), fields=['ref'], name='hallalert_ref')],
            },
        ),
        migrations.CreateModel(
            name='DailyCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(max_length=48)),
                ('day', models.DateField()),
                ('jpath', models.CharField(max_length=128)),
                ('shard', models.PositiveSmallIntegerField(default=0)),
                ('n', models.PositiveIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('metric', 'day', 'jpath', 'shard'), name='dailycount_once_per_shard')],
            },
        ),
        migrations.CreateModel(
            name='AccountState',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='account_state', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('must_change_password', models.BooleanField(default=False)),
                ('changed_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name="notification",
            name="texts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="hallalert",
            name="subjects",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
