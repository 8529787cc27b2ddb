"""Screening's migrations 0001–0007 squashed (see core 0001_squashed_0009 for why the originals stay).

Left out: 0002's default protocol and settings (written after every migrate by core.defaults: RiskProtocol and
ScreeningSettings.ensure_defaults, the same rows) and 0003's copy from passages (nothing to copy in an empty table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("screening", "0001_initial"),
        ("screening", "0002_default_protocol"),
        ("screening", "0003_violation_keeps_time_and_place"),
        ("screening", "0004_travel_self_reported"),
        ("screening", "0005_followup_open_person"),
        ("screening", "0006_checkpoint_turn_back"),
        ("screening", "0007_passage_name_as_given"),
    ]

    dependencies = [
        ("registry", "0005_lookup_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="RiskProtocol",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[("high", "High risk"), ("medium", "Medium risk"), ("low", "Low risk")],
                                max_length=8,
                                unique=True,
                                verbose_name="level",
                            ),
                        ),
                        (
                            "instruction",
                            models.CharField(
                                choices=[
                                    ("central_isolation", "Send to central isolation"),
                                    ("turn_back", "Turn back and notify the community"),
                                    ("fever_clinic", "Escort to a fever clinic"),
                                    ("register_notify", "Register and notify the community"),
                                    ("let_pass", "Let pass"),
                                ],
                                max_length=20,
                                verbose_name="instruction",
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                choices=[
                                    ("central_isolation", "Central isolation"),
                                    ("home_isolation", "Home isolation"),
                                    ("tests_only", "Tests only"),
                                ],
                                max_length=20,
                                verbose_name="measure",
                            ),
                        ),
                        ("days", models.PositiveSmallIntegerField(verbose_name="days under the measure")),
                        ("test_days", models.JSONField(default=list, verbose_name="test days")),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("updated_at", models.DateTimeField(default=fangkong.core.clock.now)),
                    ],
                ),
                migrations.CreateModel(
                    name="ScreeningSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "contact_limit_minutes",
                            models.PositiveIntegerField(
                                default=120, verbose_name="contact a new arrival within (minutes)"
                            ),
                        ),
                        (
                            "fever_threshold",
                            models.DecimalField(
                                decimal_places=1, default=37.3, max_digits=3, verbose_name="fever from (°C)"
                            ),
                        ),
                        (
                            "passage_retention_days",
                            models.PositiveIntegerField(default=30, verbose_name="keep passages for (days)"),
                        ),
                        (
                            "travel_lookback_days",
                            models.PositiveIntegerField(default=7, verbose_name="travel history considered (days)"),
                        ),
                        ("updated_at", models.DateTimeField(default=fangkong.core.clock.now)),
                    ],
                ),
                migrations.CreateModel(
                    name="Checkpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("location", models.CharField(blank=True, max_length=200, verbose_name="location")),
                        ("jpath", models.CharField(max_length=128)),
                        ("active", models.BooleanField(default=True)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "responsible_unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                                verbose_name="responsible unit",
                            ),
                        ),
                        (
                            "unit",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="checkpoint",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Passage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "direction",
                            models.CharField(
                                choices=[("in", "Entering"), ("out", "Leaving")], max_length=3, verbose_name="direction"
                            ),
                        ),
                        ("phone_cipher", models.BinaryField(null=True)),
                        ("plate", models.CharField(blank=True, max_length=16, verbose_name="vehicle plate")),
                        ("origin", models.CharField(blank=True, max_length=100, verbose_name="coming from")),
                        ("visited", models.JSONField(default=list, verbose_name="places visited in the last days")),
                        (
                            "destination_address",
                            models.CharField(blank=True, max_length=200, verbose_name="destination address"),
                        ),
                        (
                            "temperature",
                            models.DecimalField(
                                blank=True, decimal_places=1, max_digits=3, null=True, verbose_name="temperature"
                            ),
                        ),
                        (
                            "status_code",
                            models.CharField(
                                blank=True,
                                choices=[("green", "Green"), ("yellow", "Yellow"), ("red", "Red"), ("", "Not shown")],
                                max_length=6,
                                verbose_name="status code seen",
                            ),
                        ),
                        (
                            "negative_test_48h",
                            models.BooleanField(default=False, verbose_name="negative test within 48 h"),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=fangkong.core.clock.now, verbose_name="time"),
                        ),
                        (
                            "instruction",
                            models.CharField(
                                choices=[
                                    ("central_isolation", "Send to central isolation"),
                                    ("turn_back", "Turn back and notify the community"),
                                    ("fever_clinic", "Escort to a fever clinic"),
                                    ("register_notify", "Register and notify the community"),
                                    ("let_pass", "Let pass"),
                                ],
                                max_length=20,
                                verbose_name="instruction",
                            ),
                        ),
                        ("rule", models.CharField(max_length=32, verbose_name="rule")),
                        ("rule_detail", models.CharField(blank=True, max_length=200, verbose_name="what matched")),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "checkpoint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="passages",
                                to="screening.checkpoint",
                            ),
                        ),
                        (
                            "destination_community",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                                verbose_name="destination community",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="passages",
                                to="registry.person",
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
                            "risk_area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="screening.riskarea",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=64, verbose_name="name as given")),
                    ],
                    options={
                        "ordering": ["-at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["jpath"], name="passage_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            ),
                            models.Index(fields=["destination_community", "at"], name="passage_destination_at"),
                            models.Index(fields=["checkpoint", "at"], name="passage_checkpoint_at"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="FollowUp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[("high", "High risk"), ("medium", "Medium risk"), ("low", "Low risk")],
                                max_length=8,
                                verbose_name="level",
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                choices=[
                                    ("central_isolation", "Central isolation"),
                                    ("home_isolation", "Home isolation"),
                                    ("tests_only", "Tests only"),
                                ],
                                max_length=20,
                                verbose_name="measure",
                            ),
                        ),
                        ("reason", models.CharField(max_length=300, verbose_name="reason")),
                        ("jpath", models.CharField(max_length=128)),
                        ("opened_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("contact_due_at", models.DateTimeField(verbose_name="contact due")),
                        ("measure_ends_at", models.DateTimeField(verbose_name="measure ends")),
                        ("test_days", models.JSONField(default=list, verbose_name="test days")),
                        ("contacted_at", models.DateTimeField(blank=True, null=True)),
                        ("location_confirmed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "location_note",
                            models.CharField(blank=True, max_length=200, verbose_name="where the person is"),
                        ),
                        ("released_at", models.DateTimeField(blank=True, null=True)),
                        ("release_note", models.CharField(blank=True, max_length=300, verbose_name="release note")),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "contacted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="followups",
                                to="registry.person",
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
                        (
                            "passage",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="followup",
                                to="screening.passage",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["contact_due_at", "id"],
                        "indexes": [
                            models.Index(
                                fields=["jpath"], name="followup_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            ),
                            models.Index(fields=["community", "opened_at"], name="followup_community_opened"),
                            models.Index(
                                condition=models.Q(("released_at__isnull", True)),
                                fields=["person"],
                                name="followup_open_person",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PassRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now, verbose_name="time")),
                        ("requester_name", models.CharField(max_length=64, verbose_name="who asked")),
                        ("requester_unit_name", models.CharField(max_length=100, verbose_name="their unit")),
                        ("requester_post", models.CharField(blank=True, max_length=64, verbose_name="their post")),
                        ("plate", models.CharField(blank=True, max_length=16, verbose_name="vehicle plate")),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("refused", "Refused: registered as usual"),
                                    ("let_through", "Let through unregistered"),
                                ],
                                max_length=12,
                                verbose_name="outcome",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                        (
                            "checkpoint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="pass_requests",
                                to="screening.checkpoint",
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
                            "requester_unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-at"],
                    },
                ),
                migrations.CreateModel(
                    name="RiskArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="region")),
                        ("code", models.CharField(blank=True, max_length=12, verbose_name="area code")),
                        (
                            "level",
                            models.CharField(
                                choices=[("high", "High risk"), ("medium", "Medium risk"), ("low", "Low risk")],
                                max_length=8,
                                verbose_name="level",
                            ),
                        ),
                        ("valid_from", models.DateTimeField(verbose_name="valid from")),
                        ("valid_to", models.DateTimeField(blank=True, null=True, verbose_name="valid to")),
                        ("notice", models.CharField(blank=True, max_length=200, verbose_name="notice")),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("updated_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-valid_from", "name"],
                        "indexes": [models.Index(fields=["valid_to"], name="screening_r_valid_t_1b73d4_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="Shift",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        ("ends_at", models.DateTimeField(verbose_name="ends")),
                        (
                            "checkpoint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="shifts",
                                to="screening.checkpoint",
                            ),
                        ),
                        (
                            "leader",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="leader",
                            ),
                        ),
                        (
                            "staff",
                            models.ManyToManyField(
                                blank=True, related_name="checkpoint_shifts", to=settings.AUTH_USER_MODEL
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["starts_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                                name="shift_ends_after_start",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TravelReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("destination", models.CharField(max_length=100, verbose_name="destination")),
                        ("depart_on", models.DateField(verbose_name="leaving on")),
                        ("return_on", models.DateField(verbose_name="returning on")),
                        ("reason", models.CharField(max_length=200, verbose_name="reason")),
                        ("transport", models.CharField(max_length=64, verbose_name="transport")),
                        ("filed_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("jpath", models.CharField(max_length=128)),
                        ("community_ack_at", models.DateTimeField(blank=True, null=True)),
                        ("employer_ack_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "approval",
                            models.CharField(
                                choices=[
                                    ("not_required", "Not required"),
                                    ("pending", "Waiting for the unit's approval"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                ],
                                max_length=12,
                                verbose_name="approval",
                            ),
                        ),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.CharField(blank=True, max_length=200, verbose_name="decision note")),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "community_ack_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
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
                            "employer_ack_by",
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
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="travel_reports",
                                to="registry.person",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-depart_on", "-id"],
                        "indexes": [
                            models.Index(fields=["person", "depart_on"], name="travel_person_depart"),
                            models.Index(
                                fields=["jpath"], name="travel_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Violation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "explanation",
                            models.CharField(blank=True, max_length=300, verbose_name="the person's explanation"),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("open", "To be handled"),
                                    ("excused", "Excused"),
                                    ("warned", "Warned"),
                                    ("referred", "Referred for discipline"),
                                ],
                                default="open",
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "community",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
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
                            "passage",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="violation",
                                to="screening.passage",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="violations",
                                to="registry.person",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                        ("at", models.DateTimeField(null=True, verbose_name="time")),
                        (
                            "checkpoint",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="screening.checkpoint",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-id"],
                        "indexes": [
                            models.Index(
                                fields=["jpath"], name="violation_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="FollowUpTest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.PositiveSmallIntegerField(verbose_name="day")),
                        (
                            "result",
                            models.CharField(
                                choices=[
                                    ("negative", "Negative"),
                                    ("positive", "Positive"),
                                    ("pending", "Sampled, waiting for the result"),
                                ],
                                max_length=10,
                                verbose_name="result",
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "followup",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tests",
                                to="screening.followup",
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
                        "ordering": ["day"],
                        "constraints": [
                            models.UniqueConstraint(fields=("followup", "day"), name="followup_test_once_a_day")
                        ],
                    },
                ),
            ],
        ),
    ]
