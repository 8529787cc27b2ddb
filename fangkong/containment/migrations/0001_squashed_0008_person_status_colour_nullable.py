"""Containment's migrations 0001–0008 squashed (see core 0001_squashed_0009 for why the originals stay).

Left out: 0002's default zone levels (written after every migrate by core.defaults: protocol.ensure_default_levels,
the same rows from the same DEFAULT_LEVELS) and 0008's emptying of stale colours (nothing to empty in an empty
table; 0008 is not atomic only for that step on a live table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.containment.models
import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("containment", "0001_initial"),
        ("containment", "0002_default_levels"),
        ("containment", "0003_venue_codes"),
        ("containment", "0004_transfers"),
        ("containment", "0005_sentinels"),
        ("containment", "0006_hospital_keeps_given_names"),
        ("containment", "0007_two_person_revoke_and_early_lift"),
        ("containment", "0008_person_status_colour_nullable"),
    ]

    dependencies = [
        ("registry", "0004_sentinels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="PersonStatus",
                    fields=[
                        (
                            "person",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="registry.person",
                            ),
                        ),
                        (
                            "colour",
                            models.CharField(
                                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red")],
                                max_length=6,
                                null=True,
                            ),
                        ),
                        ("since", models.DateTimeField(blank=True, null=True)),
                        ("reasons", models.JSONField(default=list)),
                        ("valid_until", models.DateTimeField(blank=True, null=True)),
                        ("computed_at", models.DateTimeField()),
                        ("household_id", models.BigIntegerField(null=True)),
                        ("jpath", models.CharField(max_length=128)),
                    ],
                ),
                migrations.CreateModel(
                    name="ZoneLevel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=20, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=40, verbose_name="name")),
                        (
                            "colour",
                            models.CharField(
                                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red")],
                                max_length=6,
                                verbose_name="status of the people inside",
                            ),
                        ),
                        ("restrictions", models.TextField(blank=True, verbose_name="restrictions")),
                        ("rank", models.PositiveSmallIntegerField(default=1, verbose_name="rank (1 = strictest)")),
                        (
                            "quiet_days",
                            models.PositiveSmallIntegerField(default=14, verbose_name="days without a new case"),
                        ),
                        (
                            "contact_days",
                            models.PositiveSmallIntegerField(
                                default=14, verbose_name="days since the last close contact (tested negative)"
                            ),
                        ),
                        (
                            "negative_days",
                            models.PositiveSmallIntegerField(
                                default=2, verbose_name="whole area negative within (days; 0: not required)"
                            ),
                        ),
                        (
                            "lifts_with_others",
                            models.BooleanField(default=False, verbose_name="lifts when no stricter zone remains"),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="in use")),
                        ("version", models.PositiveIntegerField(default=1)),
                    ],
                    options={
                        "ordering": ["rank", "code"],
                    },
                ),
                migrations.CreateModel(
                    name="Case",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("confirmed_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("source", models.CharField(max_length=20)),
                        ("reference", models.CharField(blank=True, max_length=60)),
                        ("jpath", models.CharField(max_length=128)),
                        ("released_at", models.DateTimeField(blank=True, null=True)),
                        ("release_note", models.CharField(blank=True, max_length=300)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="cases", to="registry.person"
                            ),
                        ),
                        (
                            "released_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="case_jpath_prefix", opclasses=["varchar_pattern_ops"])
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("released_at__isnull", True)),
                                fields=("person",),
                                name="case_one_open_per_person",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CloseContact",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("last_contact_at", models.DateTimeField(verbose_name="last contact")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="how")),
                        ("recorded_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="contacts",
                                to="containment.case",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("case", "person"), name="contact_once_per_case")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StatusChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "colour",
                            models.CharField(
                                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red")],
                                max_length=6,
                                verbose_name="colour",
                            ),
                        ),
                        ("basis", models.TextField(verbose_name="legal basis")),
                        ("expires_at", models.DateTimeField(verbose_name="expires")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting approval"),
                                    ("applied", "Applied"),
                                    ("rejected", "Rejected"),
                                    ("revoked", "Revoked"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("batch", models.CharField(blank=True, max_length=40)),
                        ("requested_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.CharField(blank=True, max_length=300)),
                        ("notice", models.TextField(blank=True, verbose_name="notice to the person")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="status_changes",
                                to="registry.person",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("revoke_request_note", models.CharField(blank=True, max_length=300)),
                        ("revoke_requested_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "revoke_requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["person", "state"], name="statuschange_person_state"),
                            models.Index(
                                fields=["jpath"], name="statuschange_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Appeal",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("text", models.TextField(verbose_name="grounds")),
                        ("filed_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("upheld", "Upheld: change revoked"),
                                    ("dismissed", "Dismissed"),
                                ],
                                default="open",
                                max_length=10,
                            ),
                        ),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.CharField(blank=True, max_length=300)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "filed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "change",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="appeals",
                                to="containment.statuschange",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Zone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "document_number",
                            models.CharField(blank=True, max_length=60, verbose_name="document number"),
                        ),
                        ("basis", models.TextField(verbose_name="basis")),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        ("planned_end", models.DateTimeField(blank=True, null=True, verbose_name="planned end")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting approval"),
                                    ("active", "In force"),
                                    ("rejected", "Rejected"),
                                    ("lifted", "Lifted"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("requested_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.CharField(blank=True, max_length=300)),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        ("lift_note", models.CharField(blank=True, max_length=300)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "jurisdictions",
                            models.ManyToManyField(blank=True, related_name="+", to="registry.jurisdiction"),
                        ),
                        (
                            "lifted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "places",
                            models.ManyToManyField(
                                blank=True,
                                related_name="+",
                                to="registry.place",
                                verbose_name="compounds and buildings",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "level",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="zones",
                                to="containment.zonelevel",
                                verbose_name="level",
                            ),
                        ),
                        ("lift_request_note", models.CharField(blank=True, max_length=300)),
                        ("lift_requested_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "lift_requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["state"], name="zone_state")],
                    },
                ),
                migrations.CreateModel(
                    name="VenueCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                default=fangkong.containment.models.new_venue_code, max_length=16, unique=True
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "venue",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="venue_code",
                                to="registry.unit",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="VenueScan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField()),
                        (
                            "colour",
                            models.CharField(
                                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red")], max_length=6
                            ),
                        ),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "person",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "venue",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["venue", "at"], name="venuescan_venue_at"),
                            models.Index(fields=["person", "at"], name="venuescan_person_at"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IsolationSite",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("hospital", "Designated hospital"), ("isolation", "Central isolation site")],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                        ("capacity", models.PositiveIntegerField(verbose_name="beds")),
                        ("jpath", models.CharField(max_length=128)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "unit",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="isolation_site",
                                to="registry.unit",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Transfer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("pickup_address", models.CharField(max_length=200, verbose_name="pick-up address")),
                        ("vehicle", models.CharField(max_length=40, verbose_name="vehicle")),
                        ("crew", models.CharField(max_length=200, verbose_name="crew")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("dispatched", "Dispatched"),
                                    ("picked_up", "Picked up"),
                                    ("arrived", "Arrived"),
                                    ("received", "Received: in isolation"),
                                    ("released", "Released"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="dispatched",
                                max_length=10,
                            ),
                        ),
                        ("dispatched_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("picked_up_at", models.DateTimeField(blank=True, null=True)),
                        ("arrived_at", models.DateTimeField(blank=True, null=True)),
                        ("received_at", models.DateTimeField(blank=True, null=True)),
                        ("released_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "arrived_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transfers",
                                to="containment.case",
                            ),
                        ),
                        (
                            "contact",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="containment.closecontact",
                            ),
                        ),
                        (
                            "destination",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="transfers",
                                to="containment.isolationsite",
                            ),
                        ),
                        (
                            "dispatched_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "picked_up_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "received_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "released_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["destination", "state"], name="transfer_site_state")],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("state__in", ["released", "cancelled"]), _negated=True),
                                fields=("person",),
                                name="transfer_one_open_per_person",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Inpatient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("ward", models.CharField(max_length=40, verbose_name="ward")),
                        ("bed", models.CharField(blank=True, max_length=20, verbose_name="bed")),
                        ("admitted_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("discharged_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=64, verbose_name="name")),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("discharged_at__isnull", True)),
                                fields=("unit", "person"),
                                name="inpatient_once",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Escort",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("since", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("until", models.DateTimeField(blank=True, null=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "inpatient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="escorts",
                                to="containment.inpatient",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=64, verbose_name="name")),
                    ],
                ),
                migrations.CreateModel(
                    name="SentinelReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("fever", "Fever patient"),
                                    ("triage", "Pre-screening triage"),
                                    ("purchase", "Drug purchase"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "temperature",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=3, null=True, verbose_name="temperature"
                            ),
                        ),
                        ("symptoms", models.CharField(blank=True, max_length=200, verbose_name="symptoms")),
                        ("drugs", models.JSONField(blank=True, default=list, verbose_name="drugs")),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "reported_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["unit", "at"], name="sentinel_unit_at")],
                    },
                ),
                migrations.CreateModel(
                    name="SentinelAlert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reason", models.CharField(max_length=300)),
                        ("raised_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "handled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                        (
                            "report",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="alert",
                                to="containment.sentinelreport",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["jpath"], name="sentinelalert_jpath", opclasses=["varchar_pattern_ops"]
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
