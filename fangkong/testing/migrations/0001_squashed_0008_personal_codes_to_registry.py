"""Testing's migrations 0001–0008 squashed (see core 0001_squashed_0009 for why the originals stay).

The personal and household codes' tables are made here, as 0001 and 0005 made them; then testing forgets the
models, which belong to the register (registry 0007, 0008 here).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
import fangkong.core.indexes
import fangkong.registry.models
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("testing", "0001_initial"),
        ("testing", "0002_fewer_sample_indexes"),
        ("testing", "0003_site_kinds_and_result_limits"),
        ("testing", "0004_sample_without_db_foreign_keys"),
        ("testing", "0005_household_codes_and_tubes"),
        ("testing", "0006_hash_codes_fewer_tube_constraints"),
        ("testing", "0007_retention_nullable"),
        ("testing", "0008_personal_codes_to_registry"),
    ]

    dependencies = [
        ("registry", "0007_personal_codes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Bag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("seal_code", models.CharField(max_length=32, unique=True, verbose_name="seal code")),
                        ("sealed_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("handed_over_at", models.DateTimeField(blank=True, null=True)),
                        ("received_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "handed_over_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lab",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
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
                            "sealed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                ),
                migrations.CreateModel(
                    name="PersonCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(default=fangkong.registry.models.new_person_code, max_length=16)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "person",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="testing_code",
                                to="registry.person",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [fangkong.core.indexes.HashIndex(fields=["code"], name="person_code_hash")],
                        "constraints": [models.UniqueConstraint(fields=("code",), name="person_code_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="Round",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("pool_size", models.PositiveSmallIntegerField(default=10, verbose_name="people per tube")),
                        ("starts_at", models.DateTimeField(default=fangkong.core.clock.now, verbose_name="starts")),
                        ("deadline", models.DateTimeField(verbose_name="deadline")),
                        (
                            "result_limit_hours",
                            models.PositiveSmallIntegerField(default=24, verbose_name="result within (hours)"),
                        ),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("scope", models.ManyToManyField(blank=True, related_name="+", to="registry.jurisdiction")),
                        (
                            "result_limits",
                            models.JSONField(
                                blank=True, default=dict, verbose_name="result limits per site kind (hours)"
                            ),
                        ),
                        (
                            "household_places",
                            models.ManyToManyField(
                                blank=True,
                                related_name="+",
                                to="registry.place",
                                verbose_name="one household per tube in",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-starts_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Site",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                        ("jpath", models.CharField(max_length=128)),
                        ("hours", models.CharField(blank=True, max_length=64, verbose_name="opening hours")),
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
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.unit",
                                verbose_name="sampling team",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("mass", "Mass screening"),
                                    ("fever_clinic", "Fever clinic"),
                                    ("hospital", "In- and outpatients"),
                                ],
                                default="mass",
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["jpath", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Tube",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, verbose_name="tube code")),
                        ("pool_size", models.PositiveSmallIntegerField()),
                        ("count", models.PositiveSmallIntegerField(default=0)),
                        ("retest", models.BooleanField(default=False)),
                        ("opened_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "result",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("", "No result yet"),
                                    ("negative", "Negative"),
                                    ("positive", "Positive"),
                                    ("invalid", "Invalid"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("ct", models.DecimalField(blank=True, decimal_places=1, max_digits=4, null=True)),
                        ("resulted_at", models.DateTimeField(blank=True, null=True)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "bag",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tubes",
                                to="testing.bag",
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tubes",
                                to="testing.round",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tubes",
                                to="testing.site",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registry.place",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["round", "result"], name="tube_round_result")],
                        "constraints": [models.UniqueConstraint(fields=("code",), name="tube_code_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="Sample",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("collected_at", models.DateTimeField()),
                        ("retest", models.BooleanField(default=False)),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "person",
                            models.ForeignKey(
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="samples",
                                to="registry.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="samples",
                                to="testing.round",
                            ),
                        ),
                        (
                            "site",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="testing.site",
                            ),
                        ),
                        (
                            "tube",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="samples",
                                to="testing.tube",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["round", "jpath"], name="sample_round_jpath")],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("retest", False)),
                                fields=("round", "person"),
                                name="sample_once_per_round",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Recall",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("ordered", "Retest ordered"),
                                    ("sampled", "Retest sampled"),
                                    ("negative", "Retest negative: released"),
                                    ("positive", "Retest positive: confirmed"),
                                ],
                                default="ordered",
                                max_length=10,
                            ),
                        ),
                        ("jpath", models.CharField(max_length=128)),
                        ("ordered_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("sampled_at", models.DateTimeField(blank=True, null=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="recalls",
                                to="registry.person",
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="recalls", to="testing.round"
                            ),
                        ),
                        (
                            "retest_tube",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="recall",
                                to="testing.tube",
                            ),
                        ),
                        (
                            "source_tube",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="recalls", to="testing.tube"
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["jpath"], name="recall_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("source_tube", "person"), name="recall_once_per_member")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HouseholdCode",
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
                                default=fangkong.registry.models.new_household_code, max_length=16, unique=True
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "household",
                            models.OneToOneField(
                                limit_choices_to={"kind": "household"},
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="testing_code",
                                to="registry.place",
                            ),
                        ),
                    ],
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HouseholdCode"),
                migrations.DeleteModel(name="PersonCode"),
            ],
            database_operations=[],
        ),
    ]
