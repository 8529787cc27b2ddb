"""Work safety's migrations 0001–0009 squashed (see core 0001_squashed_0009 for why the originals stay).

An accident's incident points at the incidents app's model, as after 0009 (the table is command_incident either
way). Left out: 0008's copy of each hazard's industry (nothing to copy in an empty table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("safety", "0001_initial"),
        ("safety", "0002_public_reports"),
        ("safety", "0003_stats_filings"),
        ("safety", "0004_inspections"),
        ("safety", "0005_photos"),
        ("safety", "0006_longer_step"),
        ("safety", "0007_accidents_signatures_escalation"),
        ("safety", "0008_hazard_industry_and_indexes"),
        ("safety", "0009_accident_incident_in_incidents"),
    ]

    dependencies = [
        ("registry", "0004_sentinels"),
        ("command", "0009_escalation_index"),
        ("incidents", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Checklist",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40)),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "imported_by",
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
                        "constraints": [
                            models.UniqueConstraint(fields=("code", "version"), name="checklist_version_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ChecklistItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=20)),
                        ("text", models.TextField()),
                        ("category", models.CharField(blank=True, max_length=40)),
                        (
                            "severity",
                            models.CharField(
                                choices=[("general", "General"), ("major", "Major")], default="general", max_length=8
                            ),
                        ),
                        ("order", models.PositiveIntegerField()),
                        (
                            "checklist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="items", to="safety.checklist"
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["order"],
                        "constraints": [
                            models.UniqueConstraint(fields=("checklist", "code"), name="checklist_item_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="EnterpriseProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("industry", models.CharField(blank=True, max_length=40, verbose_name="industry")),
                        ("size", models.CharField(blank=True, max_length=20, verbose_name="size")),
                        (
                            "principal",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="principal (first responsible person)"
                            ),
                        ),
                        ("special_risks", models.JSONField(blank=True, default=list, verbose_name="special risks")),
                        (
                            "unit",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="safety_profile",
                                to="registry.unit",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Hazard",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("grade", models.CharField(choices=[("general", "General"), ("major", "Major")], max_length=8)),
                        ("description", models.TextField()),
                        ("source", models.CharField(default="inspection", max_length=12)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("found", "Found"),
                                    ("registered", "Registered"),
                                    ("ordered", "Rectification ordered"),
                                    ("rectifying", "Rectifying"),
                                    ("applied", "Acceptance applied for"),
                                    ("accepted", "Re-inspected and accepted"),
                                    ("closed", "Closed (销号)"),
                                ],
                                default="found",
                                max_length=10,
                            ),
                        ),
                        ("found_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("deadline", models.DateTimeField(verbose_name="deadline")),
                        ("extensions", models.PositiveSmallIntegerField(default=0)),
                        ("assurances", models.JSONField(blank=True, default=dict)),
                        ("listed", models.BooleanField(default=False, verbose_name="listed supervision (挂牌督办)")),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="hazards", to="registry.unit"
                            ),
                        ),
                        (
                            "found_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("overdue_notified_at", models.DateTimeField(blank=True, null=True)),
                        ("review_notified_at", models.DateTimeField(blank=True, null=True)),
                        ("industry", models.CharField(blank=True, max_length=40)),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["enterprise", "state"], name="hazard_enterprise_state"),
                            models.Index(fields=["jpath"], name="hazard_jpath", opclasses=["varchar_pattern_ops"]),
                            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
                            models.Index(
                                condition=models.Q(
                                    ("overdue_notified_at__isnull", True),
                                    models.Q(("state__in", ["accepted", "closed"]), _negated=True),
                                ),
                                fields=["deadline"],
                                name="hazard_to_escalate",
                            ),
                            models.Index(fields=["-found_at", "-id"], name="hazard_found"),
                            models.Index(
                                condition=models.Q(("state__in", ["accepted", "closed"]), _negated=True),
                                fields=["deadline"],
                                name="hazard_open_deadline",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HazardStep",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("to", models.CharField(max_length=16)),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("note", models.TextField(blank=True)),
                        (
                            "by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "hazard",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="steps", to="safety.hazard"
                            ),
                        ),
                        ("photo", models.FileField(blank=True, upload_to="hazards/%Y/%m/")),
                    ],
                ),
                migrations.CreateModel(
                    name="IndustryDepartment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("industry", models.CharField(max_length=40, unique=True, verbose_name="industry")),
                        (
                            "department",
                            models.ForeignKey(
                                limit_choices_to={"kind": "department"},
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Licence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=60, verbose_name="licence")),
                        ("number", models.CharField(blank=True, max_length=60, verbose_name="number")),
                        ("valid_until", models.DateField(blank=True, null=True)),
                        (
                            "approved_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="licences", to="registry.unit"
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="PublicReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("place", models.CharField(max_length=200, verbose_name="where")),
                        ("description", models.TextField(verbose_name="what")),
                        ("reported_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("anonymous", models.BooleanField(default=True)),
                        ("name_cipher", models.BinaryField(blank=True, null=True)),
                        ("phone_cipher", models.BinaryField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("verified", "Verified: registered as a hazard"),
                                    ("rejected", "Not confirmed"),
                                ],
                                default="received",
                                max_length=10,
                            ),
                        ),
                        ("reward", models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True)),
                        ("reward_note", models.CharField(blank=True, max_length=200)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "enterprise",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                        (
                            "hazard",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="public_report",
                                to="safety.hazard",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="StatsFiling",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("period", models.CharField(max_length=7)),
                        ("figures", models.JSONField(default=dict)),
                        ("filed_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("due_at", models.DateTimeField()),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        (
                            "filed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("enterprise", "period"), name="stats_once_per_period")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="InspectionPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("starts_on", models.DateField()),
                        ("ends_on", models.DateField()),
                        (
                            "checklist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="safety.checklist"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Inspection",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("signed_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "checklist",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="safety.checklist"
                            ),
                        ),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        (
                            "inspector",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="safety.inspectionplan",
                            ),
                        ),
                        ("signature", models.FileField(blank=True, upload_to="signatures/%Y/%m/")),
                    ],
                ),
                migrations.CreateModel(
                    name="InspectionResult",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("passed", models.BooleanField()),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("photo", models.FileField(blank=True, upload_to="inspections/%Y/%m/")),
                        (
                            "hazard",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="safety.hazard",
                            ),
                        ),
                        (
                            "inspection",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="results",
                                to="safety.inspection",
                            ),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="safety.checklistitem"
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("inspection", "item"), name="inspection_item_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlanAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        (
                            "inspector",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="safety.inspectionplan",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("plan", "enterprise"), name="plan_enterprise_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Accident",
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
                                    ("fire", "Fire"),
                                    ("explosion", "Explosion"),
                                    ("poisoning", "Poisoning or asphyxiation"),
                                    ("fall", "Fall from height"),
                                    ("struck", "Struck by an object"),
                                    ("machinery", "Machinery"),
                                    ("electric", "Electric shock"),
                                    ("collapse", "Collapse"),
                                    ("vehicle", "Vehicle"),
                                    ("other", "Other"),
                                ],
                                max_length=12,
                                verbose_name="kind",
                            ),
                        ),
                        ("deaths", models.PositiveIntegerField(default=0, verbose_name="deaths")),
                        ("serious_injuries", models.PositiveIntegerField(default=0, verbose_name="serious injuries")),
                        ("missing", models.PositiveIntegerField(default=0, verbose_name="missing")),
                        (
                            "economic_loss",
                            models.DecimalField(
                                decimal_places=2,
                                default=0,
                                max_digits=12,
                                verbose_name="direct economic loss (10,000 yuan)",
                            ),
                        ),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "enterprise",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.unit"
                            ),
                        ),
                        (
                            "incident",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="accident",
                                to="incidents.incident",
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
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="accident_jpath", opclasses=["varchar_pattern_ops"])
                        ],
                    },
                ),
            ],
        ),
    ]
