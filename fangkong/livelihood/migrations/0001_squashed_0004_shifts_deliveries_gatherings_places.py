"""Livelihood's migrations 0001–0004 squashed (see core 0001_squashed_0009 for why the originals stay), so that a
fresh database runs at most 25 of our migrations (core/tests/test_squashed_migrations.py) once passages, venue
scans and notifications got their partitions. It replaces the earlier squash of 0001–0002 (a database that ran it
has 0001 and 0002 recorded, which this one replaces too).

Left out: 0002's backfill of closed_at (nothing to fill in an empty table).
"""

import django.db.models.deletion
import fangkong.core.clock
import fangkong.core.migrations._operations
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('livelihood', '0001_initial'), ('livelihood', '0002_supply_request_closed_at'), ('livelihood', '0003_stock_and_price_monitoring'), ('livelihood', '0004_shifts_deliveries_gatherings_passes_schools_places')]

    initial = True

    dependencies = [
        ('containment', '0005_sentinels'),
        ('registry', '0004_sentinels'),
        ('registry', '0008_squashed_0014_boundaries_setup_premises'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        fangkong.core.migrations._operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name='Volunteer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('skills', models.JSONField(default=list)),
                        ('availability', models.CharField(max_length=200, verbose_name='when available')),
                        ('state', models.CharField(choices=[('applied', 'Applied'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='applied', max_length=10)),
                        ('applied_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('jpath', models.CharField(max_length=128)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
                    ],
                    options={
                        'indexes': [models.Index(fields=['jpath'], name='volunteer_jpath', opclasses=['varchar_pattern_ops'])],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('state__in', ['applied', 'accepted'])), fields=('person',), name='volunteer_once')],
                    },
                ),
                migrations.CreateModel(
                    name='SupplyRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('groceries', 'Food and daily necessities'), ('medicine', 'Medicine'), ('other', 'Other')], max_length=10, verbose_name='kind')),
                        ('items', models.TextField(verbose_name='what is needed')),
                        ('urgent', models.BooleanField(default=False, verbose_name='urgent (medicine, infants, the sick or elderly)')),
                        ('state', models.CharField(choices=[('received', 'Received'), ('accepted', 'Being delivered'), ('delivered', 'Delivered'), ('cancelled', 'Cancelled')], default='received', max_length=10)),
                        ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('jpath', models.CharField(max_length=128)),
                        ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
                        ('zone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='containment.zone')),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'indexes': [models.Index(fields=['jpath'], name='supply_jpath', opclasses=['varchar_pattern_ops']), models.Index(fields=['state', 'created_at'], name='supply_state')],
                    },
                ),
                migrations.CreateModel(
                    name='Goods',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                        ('unit', models.CharField(max_length=10, verbose_name='unit of count')),
                        ('category', models.CharField(choices=[('staple', 'Grain and oil'), ('fresh', 'Vegetables, meat and eggs'), ('medicine', 'Medicine'), ('infant', 'Infant and maternal'), ('daily', 'Daily necessities'), ('other', 'Other')], default='other', max_length=10, verbose_name='category')),
                        ('active', models.BooleanField(default=True)),
                    ],
                    options={
                        'verbose_name': 'goods',
                        'ordering': ['category', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Market',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('market', "Farmers' market"), ('supermarket', 'Supermarket'), ('shop', 'Shop'), ('pharmacy', 'Pharmacy')], default='market', max_length=12, verbose_name='kind')),
                        ('jpath', models.CharField(max_length=128)),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                        ('active', models.BooleanField(default=True)),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.jurisdiction')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.unit')),
                    ],
                    options={
                        'ordering': ['jpath', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='PriceCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hoarding', models.BooleanField(default=False, verbose_name='hoarding (goods withheld)')),
                        ('state', models.CharField(choices=[('open', 'Open'), ('confirmed', 'Confirmed: action taken'), ('dismissed', 'Not confirmed')], default='open', max_length=10)),
                        ('opened_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('jpath', models.CharField(blank=True, max_length=128)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, max_length=300, verbose_name='outcome')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('market', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='livelihood.market')),
                    ],
                    options={
                        'ordering': ['state', '-opened_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PriceReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('shop', models.CharField(max_length=100, verbose_name='shop or seller')),
                        ('place', models.CharField(max_length=200, verbose_name='where')),
                        ('goods', models.CharField(max_length=100, verbose_name='goods')),
                        ('price', models.CharField(blank=True, max_length=60, verbose_name='price asked')),
                        ('hoarding', models.BooleanField(default=False, verbose_name='hoarding (goods withheld)')),
                        ('description', models.TextField(verbose_name='what happened')),
                        ('reported_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('anonymous', models.BooleanField(default=True)),
                        ('name_cipher', models.BinaryField(blank=True, null=True)),
                        ('phone_cipher', models.BinaryField(blank=True, null=True)),
                        ('state', models.CharField(choices=[('received', 'Received'), ('confirmed', 'Confirmed: action taken'), ('dismissed', 'Not confirmed')], default='received', max_length=10)),
                        ('handled_at', models.DateTimeField(blank=True, null=True)),
                        ('outcome', models.CharField(blank=True, max_length=300)),
                        ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports', to='livelihood.pricecase')),
                    ],
                    options={
                        'indexes': [models.Index(fields=['state', 'reported_at'], name='price_state')],
                    },
                ),
                migrations.CreateModel(
                    name='PriceItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                        ('unit', models.CharField(max_length=10, verbose_name='unit')),
                        ('baseline', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='baseline price')),
                        ('margin_percent', models.DecimalField(decimal_places=1, default=Decimal('20'), max_digits=5, verbose_name='margin (%)')),
                        ('active', models.BooleanField(default=True)),
                        ('updated_at', models.DateTimeField(default=fangkong.core.clock.now)),
                    ],
                    options={
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('baseline__gt', 0)), name='priceitem_baseline_positive')],
                    },
                ),
                migrations.CreateModel(
                    name='PriceObservation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('price', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='price')),
                        ('observed_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='livelihood.pricecase')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='livelihood.priceitem')),
                        ('market', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='livelihood.market')),
                    ],
                    options={
                        'ordering': ['-observed_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='StockPoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('warehouse', 'Warehouse'), ('supermarket', 'Supermarket'), ('station', 'Community station')], max_length=12, verbose_name='kind')),
                        ('jpath', models.CharField(max_length=128)),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                        ('open_limit_hours', models.PositiveSmallIntegerField(default=24, verbose_name='requests open for more than (hours)')),
                        ('active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.jurisdiction')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.unit')),
                    ],
                    options={
                        'ordering': ['jpath', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='StockMovement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('in', 'In'), ('out', 'Out')], max_length=3, verbose_name='direction')),
                        ('quantity', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='quantity')),
                        ('balance', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='balance after')),
                        ('reason', models.CharField(choices=[('supplier', 'From a supplier'), ('donation', 'Donation'), ('transfer', 'Between stock points'), ('delivery', 'To households'), ('write_off', 'Written off (spoilt, lost)'), ('correction', 'Correction of a count')], max_length=12, verbose_name='reason')),
                        ('source', models.CharField(blank=True, max_length=100, verbose_name='from or to')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('goods', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='livelihood.goods')),
                        ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='movements', to='livelihood.stockpoint')),
                    ],
                    options={
                        'ordering': ['-at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='StockLevel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='quantity')),
                        ('threshold', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='short below')),
                        ('updated_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('goods', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='livelihood.goods')),
                        ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='levels', to='livelihood.stockpoint')),
                    ],
                    options={
                        'ordering': ['goods__category', 'goods__name'],
                    },
                ),
                migrations.CreateModel(
                    name='PlaceCheckItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=30, unique=True)),
                        ('text', models.CharField(max_length=200, verbose_name='item')),
                        ('text_en', models.CharField(blank=True, max_length=200)),
                        ('order', models.PositiveSmallIntegerField(default=0)),
                        ('days_to_fix', models.PositiveSmallIntegerField(default=3, verbose_name='days to rectify')),
                        ('active', models.BooleanField(default=True)),
                    ],
                    options={
                        'ordering': ['order', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Delivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('jpath', models.CharField(max_length=128)),
                        ('courier', models.CharField(blank=True, max_length=60, verbose_name='courier')),
                        ('state', models.CharField(choices=[('packed', 'Packed'), ('out', 'On the way'), ('done', 'Done')], default='packed', max_length=8)),
                        ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('out_at', models.DateTimeField(blank=True, null=True)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('building', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.place')),
                        ('courier_volunteer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deliveries', to='livelihood.volunteer')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='livelihood.stockpoint')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Gathering',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('wedding', 'Wedding'), ('funeral', 'Funeral'), ('market', 'Market fair'), ('performance', 'Performance'), ('religious', 'Religious service'), ('other', 'Other')], max_length=12, verbose_name='kind')),
                        ('jpath', models.CharField(max_length=128)),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                        ('starts_at', models.DateTimeField(verbose_name='starts')),
                        ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='ends')),
                        ('expected_size', models.PositiveIntegerField(verbose_name='expected size')),
                        ('organiser', models.CharField(blank=True, max_length=60, verbose_name='organiser')),
                        ('state', models.CharField(choices=[('approved', 'Approved'), ('limited', 'Approved with conditions'), ('refused', 'Refused'), ('cancelled', 'Cancelled')], max_length=10)),
                        ('reason_code', models.CharField(max_length=12)),
                        ('limit_used', models.PositiveIntegerField(blank=True, null=True)),
                        ('conditions', models.CharField(blank=True, max_length=300)),
                        ('level_code', models.CharField(blank=True, max_length=20)),
                        ('zone_id_at_decision', models.IntegerField(blank=True, null=True)),
                        ('zone_name', models.CharField(blank=True, max_length=100)),
                        ('rule_version', models.PositiveIntegerField(default=0)),
                        ('registered_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('cancel_note', models.CharField(blank=True, max_length=200)),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.jurisdiction')),
                        ('place', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.place')),
                        ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['starts_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='GatheringLimit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level_code', models.CharField(blank=True, max_length=20, unique=True, verbose_name='zone level')),
                        ('conditions_above', models.PositiveIntegerField(verbose_name='conditions above (people)')),
                        ('max_size', models.PositiveIntegerField(verbose_name='refused above (people)')),
                        ('conditions', models.CharField(blank=True, max_length=300, verbose_name='conditions')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('updated_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['level_code'],
                    },
                ),
                migrations.CreateModel(
                    name='KeyPlace',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('market', 'Market'), ('supermarket', 'Supermarket'), ('restaurant', 'Restaurant'), ('hotel', 'Hotel'), ('entertainment', 'Entertainment venue'), ('religious', 'Religious site'), ('station', 'Transport station'), ('other', 'Other place')], max_length=14, verbose_name='kind')),
                        ('operator', models.CharField(blank=True, max_length=100, verbose_name='operator')),
                        ('state', models.CharField(choices=[('open', 'Open'), ('limited', 'Open with a capacity limit'), ('closed', 'Closed by order')], default='open', max_length=8)),
                        ('capacity', models.PositiveIntegerField(blank=True, null=True, verbose_name='capacity limit')),
                        ('order_note', models.CharField(blank=True, max_length=300)),
                        ('ordered_at', models.DateTimeField(blank=True, null=True)),
                        ('jpath', models.CharField(max_length=128)),
                        ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('ordered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('supervisor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.unit', verbose_name='supervising department')),
                        ('venue', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='key_place', to='registry.unit')),
                    ],
                    options={
                        'ordering': ['jpath', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='LogisticsPass',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reference', models.CharField(max_length=12, unique=True)),
                        ('plate', models.CharField(db_index=True, max_length=16, verbose_name='vehicle plate')),
                        ('vehicle', models.CharField(blank=True, max_length=40, verbose_name='vehicle')),
                        ('company', models.CharField(max_length=100, verbose_name='carrier')),
                        ('goods', models.CharField(max_length=200, verbose_name='goods carried')),
                        ('route', models.CharField(max_length=200, verbose_name='route')),
                        ('through', models.JSONField(blank=True, default=list)),
                        ('driver_name', models.CharField(max_length=40, verbose_name='driver')),
                        ('driver_phone_cipher', models.BinaryField(null=True)),
                        ('valid_from', models.DateTimeField(verbose_name='valid from')),
                        ('valid_until', models.DateTimeField(verbose_name='valid until')),
                        ('state', models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('revoked', 'Revoked')], default='pending', max_length=10)),
                        ('applied_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-applied_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PlaceInspection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('results', models.JSONField(default=dict)),
                        ('notes', models.JSONField(default=dict)),
                        ('failed', models.PositiveSmallIntegerField(default=0)),
                        ('jpath', models.CharField(max_length=128)),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inspections', to='livelihood.keyplace')),
                    ],
                    options={
                        'ordering': ['-at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PlaceRectification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('item', models.CharField(max_length=30)),
                        ('text', models.CharField(max_length=200)),
                        ('finding', models.CharField(blank=True, max_length=300)),
                        ('deadline', models.DateTimeField()),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('jpath', models.CharField(max_length=128)),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('inspection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rectifications', to='livelihood.placeinspection')),
                        ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rectifications', to='livelihood.keyplace')),
                    ],
                    options={
                        'ordering': ['deadline', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SchoolHoliday',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('grade', models.CharField(max_length=30, verbose_name='grade')),
                        ('students', models.PositiveIntegerField(verbose_name='students')),
                        ('leaves_on', models.DateField(verbose_name='holiday starts')),
                        ('returns_on', models.DateField(verbose_name='back at school')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('jpath', models.CharField(max_length=128)),
                        ('created_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.unit')),
                    ],
                    options={
                        'ordering': ['leaves_on', 'school_id', 'grade'],
                    },
                ),
                migrations.CreateModel(
                    name='Shift',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('task', models.CharField(choices=[('sampling', 'Sampling support'), ('delivery', 'Deliveries'), ('checkpoint', 'Checkpoint duty'), ('patrol', 'Patrol'), ('other', 'Other')], max_length=12, verbose_name='task')),
                        ('place', models.CharField(blank=True, max_length=100, verbose_name='where')),
                        ('jpath', models.CharField(max_length=128)),
                        ('starts_at', models.DateTimeField(verbose_name='from')),
                        ('ends_at', models.DateTimeField(verbose_name='until')),
                        ('assigned_at', models.DateTimeField(default=fangkong.core.clock.now)),
                        ('checked_in_at', models.DateTimeField(blank=True, null=True)),
                        ('checked_out_at', models.DateTimeField(blank=True, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                        ('cancel_note', models.CharField(blank=True, max_length=200)),
                        ('assigned_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('checked_in_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('checked_out_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to='livelihood.volunteer')),
                    ],
                    options={
                        'ordering': ['starts_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SupplyLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='quantity')),
                        ('goods', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='livelihood.goods')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='livelihood.supplyrequest')),
                    ],
                ),
            ],
        ),
        migrations.AddField(
            model_name='pricecase',
            name='item',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='livelihood.priceitem'),
        ),
        migrations.AddIndex(
            model_name='market',
            index=models.Index(fields=['jpath'], name='market_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddConstraint(
            model_name='market',
            constraint=models.UniqueConstraint(fields=('jurisdiction', 'name'), name='market_name_once'),
        ),
        migrations.AddIndex(
            model_name='pricecase',
            index=models.Index(fields=['state', 'opened_at'], name='pricecase_state'),
        ),
        migrations.AddConstraint(
            model_name='pricecase',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('market', 'item'), name='pricecase_open_once'),
        ),
        migrations.AddIndex(
            model_name='priceobservation',
            index=models.Index(fields=['item', 'market', 'observed_at'], name='priceobs_item_market'),
        ),
        migrations.AddConstraint(
            model_name='priceobservation',
            constraint=models.CheckConstraint(condition=models.Q(('price__gt', 0)), name='priceobservation_positive'),
        ),
        migrations.AddIndex(
            model_name='stockpoint',
            index=models.Index(fields=['jpath'], name='stockpoint_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddConstraint(
            model_name='stockpoint',
            constraint=models.UniqueConstraint(fields=('jurisdiction', 'name'), name='stockpoint_name_once'),
        ),
        migrations.AddIndex(
            model_name='stockmovement',
            index=models.Index(fields=['point', 'goods', 'at'], name='stockmovement_point_goods'),
        ),
        migrations.AddConstraint(
            model_name='stockmovement',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='stockmovement_positive'),
        ),
        migrations.AddConstraint(
            model_name='stocklevel',
            constraint=models.UniqueConstraint(fields=('point', 'goods'), name='stocklevel_once'),
        ),
        migrations.AddConstraint(
            model_name='stocklevel',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 0)), name='stocklevel_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='stocklevel',
            constraint=models.CheckConstraint(condition=models.Q(('threshold__gte', 0)), name='stocklevel_threshold_not_negative'),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='code_tries',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='confirmed_with',
            field=models.CharField(blank=True, choices=[('code', "Recipient's code at the door"), ('phone', 'Recipient on their phone'), ('officer', 'Recorded by the community')], max_length=8),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='door_code_cipher',
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='need',
            field=models.CharField(blank=True, choices=[('medicine', 'Medicine'), ('infant', 'Infant'), ('dialysis', 'Dialysis'), ('bedridden', 'Bedridden')], max_length=10, verbose_name='special need'),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='raised_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='supplyrequest',
            name='delivery',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requests', to='livelihood.delivery'),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['jpath'], name='delivery_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='gathering',
            index=models.Index(fields=['jpath'], name='gathering_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='gathering',
            index=models.Index(fields=['starts_at'], name='gathering_starts'),
        ),
        migrations.AddConstraint(
            model_name='gatheringlimit',
            constraint=models.CheckConstraint(condition=models.Q(('conditions_above__lte', models.F('max_size'))), name='gatheringlimit_order'),
        ),
        migrations.AddIndex(
            model_name='keyplace',
            index=models.Index(fields=['jpath'], name='keyplace_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='logisticspass',
            index=models.Index(fields=['state', 'applied_at'], name='pass_state'),
        ),
        migrations.AddConstraint(
            model_name='logisticspass',
            constraint=models.CheckConstraint(condition=models.Q(('valid_until__gt', models.F('valid_from'))), name='pass_valid_span'),
        ),
        migrations.AddIndex(
            model_name='placeinspection',
            index=models.Index(fields=['place', 'at'], name='placeinspection_place_at'),
        ),
        migrations.AddIndex(
            model_name='schoolholiday',
            index=models.Index(fields=['jpath'], name='holiday_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddConstraint(
            model_name='schoolholiday',
            constraint=models.CheckConstraint(condition=models.Q(('returns_on__gt', models.F('leaves_on'))), name='holiday_span'),
        ),
        migrations.AddConstraint(
            model_name='schoolholiday',
            constraint=models.UniqueConstraint(condition=models.Q(('cancelled_at__isnull', True)), fields=('school', 'grade'), name='holiday_grade_once'),
        ),
        migrations.AddIndex(
            model_name='shift',
            index=models.Index(fields=['volunteer', 'starts_at'], name='shift_volunteer_starts'),
        ),
        migrations.AddIndex(
            model_name='shift',
            index=models.Index(fields=['jpath'], name='shift_jpath', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddConstraint(
            model_name='shift',
            constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='shift_ends_after'),
        ),
        migrations.AddConstraint(
            model_name='shift',
            constraint=models.CheckConstraint(condition=models.Q(('checked_out_at__isnull', True), ('checked_in_at__isnull', False), _connector='OR'), name='shift_out_after_in'),
        ),
        migrations.AddConstraint(
            model_name='supplyline',
            constraint=models.UniqueConstraint(fields=('request', 'goods'), name='supplyline_once'),
        ),
        migrations.AddConstraint(
            model_name='supplyline',
            constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', Decimal('0'))), name='supplyline_positive'),
        ),
    ]
