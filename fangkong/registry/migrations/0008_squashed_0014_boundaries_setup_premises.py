"""Registry 0008–0014 squashed: jurisdiction boundaries and points, resident counts, staff accounts, units and places, merged and ended people, a unit's premises. The originals stay for databases part-way through them."""

import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('registry', '0008_jurisdiction_boundary_place_lat_place_lon_unit_lat_and_more'), ('registry', '0009_residentcount'), ('registry', '0010_staff_accounts'), ('registry', '0011_units_and_places'), ('registry', '0012_person_merged_into'), ('registry', '0013_person_ended'), ('registry', '0014_unit_premises')]

    dependencies = [
        ('registry', '0001_squashed_0007_personal_codes'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='jurisdiction',
            name='boundary',
            field=models.JSONField(blank=True, null=True, verbose_name='boundary'),
        ),
        migrations.AddField(
            model_name='place',
            name='lat',
            field=models.FloatField(blank=True, null=True, verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='place',
            name='lon',
            field=models.FloatField(blank=True, null=True, verbose_name='longitude'),
        ),
        migrations.AddField(
            model_name='unit',
            name='lat',
            field=models.FloatField(blank=True, null=True, verbose_name='latitude'),
        ),
        migrations.AddField(
            model_name='unit',
            name='lon',
            field=models.FloatField(blank=True, null=True, verbose_name='longitude'),
        ),
        migrations.CreateModel(
            name='ResidentCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('jpath', models.CharField(max_length=128, unique=True)),
                ('n', models.IntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='jurisdiction',
            name='retired_on',
            field=models.DateField(blank=True, null=True, verbose_name='retired on'),
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='granted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='granted at'),
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='granted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='roleassignment',
            name='valid_until',
            field=models.DateField(blank=True, null=True, verbose_name='valid until'),
        ),
        migrations.CreateModel(
            name='StaffProfile',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='staff_profile', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('full_name', models.CharField(max_length=64, verbose_name='full name')),
                ('jpath', models.CharField(max_length=128)),
                ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                ('deactivated_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.jurisdiction')),
            ],
            options={
                'indexes': [models.Index(fields=['jpath'], name='staffprofile_jpath', opclasses=['varchar_pattern_ops'])],
            },
        ),
        migrations.AddField(
            model_name='place',
            name='address',
            field=models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='unit',
            name='address',
            field=models.CharField(blank=True, db_default='', default='', max_length=200, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='unit',
            name='uscc',
            field=models.CharField(blank=True, db_default='', default='', max_length=18, verbose_name='unified social credit code'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='kind',
            field=models.CharField(choices=[('department', 'Government department'), ('employer', 'Employer'), ('school', 'School'), ('enterprise', 'Enterprise'), ('clinic', 'Clinic / hospital'), ('lab', 'Testing laboratory'), ('venue', 'Venue'), ('checkpoint', 'Checkpoint'), ('pharmacy', 'Pharmacy'), ('sampling', 'Sampling site'), ('isolation', 'Isolation site')], max_length=16, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('uscc', ''), _negated=True), fields=('uscc',), name='unit_uscc_unique'),
        ),
        migrations.AddField(
            model_name='person',
            name='merged_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='person',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='person_merged_into'),
        ),
        migrations.AddField(
            model_name='person',
            name='ended',
            field=models.CharField(blank=True, choices=[('moved_away', 'Moved away'), ('deceased', 'Deceased')], db_default='', default='', max_length=12, verbose_name='left the register'),
        ),
        migrations.AddField(
            model_name='person',
            name='ended_on',
            field=models.DateField(blank=True, null=True, verbose_name='since'),
        ),
        migrations.AddField(
            model_name='unit',
            name='place',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='units', to='registry.place', verbose_name='premises'),
        ),
    ]
