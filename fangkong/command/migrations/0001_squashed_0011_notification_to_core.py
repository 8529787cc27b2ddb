"""Command's migrations 0001–0011 squashed (see core 0001_squashed_0009 for why the originals stay).

The tables of the inbox (command_notification) and of incident fast reports (command_incident…) are made here, as
0001 and 0005 made them; command then forgets the inbox (0011: core owns it). 0012, which hands incidents to their
app, stays a migration of its own: it must run after incidents 0001, which runs after this one.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("command", "0001_initial"),
        ("command", "0002_reporting"),
        ("command", "0003_duty"),
        ("command", "0004_supervision"),
        ("command", "0005_incidents"),
        ("command", "0006_responsible"),
        ("command", "0007_situation"),
        ("command", "0008_duty_per_unit"),
        ("command", "0009_escalation_index"),
        ("command", "0010_situation_section_versions"),
        ("command", "0011_notification_to_core"),
    ]

    dependencies = [
        ("registry", "0004_sentinels"),
        ("core", "0009_notification_from_command"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Directive",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("body", models.TextField(blank=True, verbose_name="instructions")),
                        ("evidence", models.CharField(blank=True, max_length=300, verbose_name="evidence required")),
                        ("deadline", models.DateTimeField(verbose_name="deadline")),
                        ("issued_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "issued_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "from_task",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="subdirectives",
                                to="command.task",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="directive_jpath", opclasses=["varchar_pattern_ops"])
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Task",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("deadline", models.DateTimeField()),
                        (
                            "state",
                            models.CharField(
                                choices=[("open", "Open"), ("acknowledged", "Acknowledged"), ("done", "Done")],
                                default="open",
                                max_length=12,
                            ),
                        ),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                        ("done_at", models.DateTimeField(blank=True, null=True)),
                        ("done_note", models.TextField(blank=True)),
                        ("escalated_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "acknowledged_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "directive",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tasks",
                                to="command.directive",
                            ),
                        ),
                        (
                            "done_by",
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
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jurisdiction", "state", "deadline"], name="task_jurisdiction_open"),
                            models.Index(fields=["unit", "state", "deadline"], name="task_unit_open"),
                            models.Index(fields=["jpath"], name="task_jpath", opclasses=["varchar_pattern_ops"]),
                            models.Index(fields=["state", "deadline"], name="task_state_deadline"),
                            models.Index(
                                condition=models.Q(
                                    ("escalated_at__isnull", True), models.Q(("state", "done"), _negated=True)
                                ),
                                fields=["deadline"],
                                name="task_to_escalate",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("jurisdiction__isnull", False), ("unit__isnull", False), _connector="OR"
                                ),
                                name="task_has_a_recipient",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TaskUpdate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("text", models.TextField()),
                        ("attachment", models.FileField(blank=True, upload_to="task-updates/%Y/%m/")),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="updates", to="command.task"
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["user", "read_at", "at"], name="notification_inbox")],
                    },
                ),
                migrations.CreateModel(
                    name="ReportTemplate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("fields", models.JSONField(default=list)),
                        (
                            "schedule",
                            models.CharField(
                                choices=[("daily", "Daily"), ("weekly", "Weekly")], default="daily", max_length=8
                            ),
                        ),
                        ("due_time", models.TimeField(default=datetime.time(16, 0), verbose_name="due by")),
                        ("weekday", models.PositiveSmallIntegerField(default=0)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("active", models.BooleanField(default=True)),
                        ("jpath", models.CharField(max_length=128)),
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
                    name="ReportAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("since", models.DateField()),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                        (
                            "template",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="command.reporttemplate",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("jurisdiction__isnull", False), ("unit__isnull", False), _connector="OR"
                                ),
                                name="report_assignment_has_a_reporter",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReportSubmission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("period", models.DateField()),
                        ("values", models.JSONField(default=dict)),
                        ("zero", models.BooleanField(default=False)),
                        ("submitted_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("due_at", models.DateTimeField()),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="submissions",
                                to="command.reportassignment",
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("assignment", "period"), name="report_once_per_period")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DutyShift",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("starts_at", models.DateTimeField()),
                        ("ends_at", models.DateTimeField()),
                        ("label", models.CharField(blank=True, max_length=60)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["starts_at", "ends_at"], name="duty_shift_time")],
                        "constraints": [
                            models.UniqueConstraint(fields=("jurisdiction", "starts_at"), name="duty_shift_once"),
                            models.UniqueConstraint(fields=("unit", "starts_at"), name="duty_shift_once_unit"),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("jurisdiction__isnull", False), ("unit__isnull", False), _connector="OR"
                                ),
                                name="duty_shift_has_a_post",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DutyLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("text", models.TextField()),
                        ("significant", models.BooleanField(default=False)),
                        ("promoted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "promoted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "shift",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="log", to="command.dutyshift"
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="DutyAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[("leader", "Leader on duty"), ("officer", "Duty officer")], max_length=8
                            ),
                        ),
                        ("checked_in_at", models.DateTimeField(blank=True, null=True)),
                        ("checked_out_at", models.DateTimeField(blank=True, null=True)),
                        ("starts_at", models.DateTimeField()),
                        ("ends_at", models.DateTimeField()),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "shift",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="command.dutyshift",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["user", "starts_at"], name="duty_user_time")],
                        "constraints": [models.UniqueConstraint(fields=("shift", "user"), name="duty_once_per_shift")],
                    },
                ),
                migrations.CreateModel(
                    name="Finding",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "target_kind",
                            models.CharField(
                                choices=[
                                    ("task", "Task"),
                                    ("checkpoint", "Checkpoint"),
                                    ("report", "Report"),
                                    ("unit", "Unit"),
                                    ("jurisdiction", "Jurisdiction"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("target_id", models.BigIntegerField()),
                        ("text", models.TextField(verbose_name="finding")),
                        ("found_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "inspector",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="finding_jpath", opclasses=["varchar_pattern_ops"])
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Outcome",
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
                                    ("reminder", "Reminder (提醒)"),
                                    ("criticism", "Criticism (通报批评)"),
                                    ("accountability", "Formal accountability (问责)"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[("proposed", "Proposed"), ("approved", "Approved"), ("rejected", "Rejected")],
                                default="proposed",
                                max_length=10,
                            ),
                        ),
                        ("proposed_at", models.DateTimeField(default=fangkong.core.clock.now)),
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
                            "finding",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="outcomes",
                                to="command.finding",
                            ),
                        ),
                        (
                            "proposed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="IncidentLevel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=8, unique=True)),
                        ("name", models.CharField(max_length=40)),
                        (
                            "initial_minutes",
                            models.PositiveIntegerField(
                                default=60, verbose_name="initial written report within (minutes)"
                            ),
                        ),
                        (
                            "followup_hours",
                            models.PositiveIntegerField(default=24, verbose_name="follow-up at least every (hours)"),
                        ),
                        ("rank", models.PositiveSmallIntegerField(default=4)),
                    ],
                    options={
                        "ordering": ["rank"],
                    },
                ),
                migrations.CreateModel(
                    name="Incident",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("occurred_at", models.DateTimeField(verbose_name="occurred")),
                        ("known_at", models.DateTimeField(default=fangkong.core.clock.now, verbose_name="known")),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "created_by",
                            models.ForeignKey(
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
                            "level",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="command.incidentlevel",
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="IncidentReport",
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
                                    ("initial", "Initial report"),
                                    ("followup", "Follow-up"),
                                    ("final", "Final report"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(default=0)),
                        ("text", models.TextField()),
                        ("at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="command.incident",
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.UniqueConstraint(fields=("incident", "kind", "number"), name="incident_report_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Responsible",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "duty",
                            models.CharField(
                                choices=[
                                    ("secretary", "Party secretary"),
                                    ("head", "Head"),
                                    ("principal", "Principal (first responsible person)"),
                                    ("contact", "Contact on duty"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("name", models.CharField(max_length=64, verbose_name="name")),
                        ("post", models.CharField(blank=True, max_length=100, verbose_name="post")),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="registry.unit",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("jurisdiction__isnull", False), ("unit__isnull", False), _connector="OR"
                                ),
                                name="responsible_has_a_post",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SituationReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(unique=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published")], default="draft", max_length=10
                            ),
                        ),
                        ("compiled_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "compiled_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "published_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="SituationSection",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.SlugField(max_length=20)),
                        ("order", models.PositiveSmallIntegerField()),
                        ("title", models.CharField(max_length=100)),
                        ("figures", models.JSONField(default=list)),
                        ("text", models.TextField(blank=True)),
                        ("approved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sections",
                                to="command.situationreport",
                            ),
                        ),
                        ("written_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "written_by",
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
                        "ordering": ["order"],
                        "constraints": [
                            models.UniqueConstraint(fields=("report", "key"), name="situation_section_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SituationSectionVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("text", models.TextField(blank=True)),
                        ("written_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "section",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="command.situationsection",
                            ),
                        ),
                        (
                            "written_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["section", "-number"],
                        "constraints": [
                            models.UniqueConstraint(fields=("section", "number"), name="situation_version_once")
                        ],
                    },
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
