"""Registry's migrations 0001–0007 squashed (see core 0001_squashed_0009 for why the originals stay).

0003 (shorter lookup hashes) only shortened stored hashes: nothing to do on an empty table. Personal and household
codes are state only, as in 0007: their tables (testing_personcode, testing_householdcode) are made by testing's
migrations.
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
        ("registry", "0001_initial"),
        ("registry", "0002_person_community_optional"),
        ("registry", "0003_shorter_lookup_hashes"),
        ("registry", "0004_sentinels"),
        ("registry", "0005_lookup_indexes"),
        ("registry", "0006_import_job_heartbeat"),
        ("registry", "0007_personal_codes"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("filename", models.CharField(max_length=200)),
                        ("content", models.BinaryField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("phase", models.CharField(blank=True, max_length=16)),
                        ("total_rows", models.PositiveIntegerField(default=0)),
                        ("processed_rows", models.PositiveIntegerField(default=0)),
                        ("result", models.JSONField(default=dict)),
                        ("error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("finished_at", models.DateTimeField(null=True)),
                        (
                            "user",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL),
                        ),
                        ("error_code", models.CharField(blank=True, max_length=32)),
                        ("heartbeat_at", models.DateTimeField(null=True)),
                        ("started_at", models.DateTimeField(null=True)),
                    ],
                ),
                migrations.CreateModel(
                    name="Jurisdiction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("district", "District"),
                                    ("street", "Street / town"),
                                    ("community", "Community / village"),
                                    ("grid", "Grid"),
                                ],
                                max_length=16,
                                verbose_name="level",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("district", "District"),
                                    ("street", "Street"),
                                    ("town", "Town"),
                                    ("community", "Community"),
                                    ("village", "Village"),
                                    ("grid", "Grid"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        ("path", models.CharField(max_length=128, unique=True, verbose_name="path")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="registry.jurisdiction",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "jurisdiction",
                        "ordering": ["path"],
                    },
                ),
                migrations.CreateModel(
                    name="Place",
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
                                    ("compound", "Residential compound"),
                                    ("building", "Building"),
                                    ("household", "Household"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("jpath", models.CharField(max_length=128)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="places",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="registry.place",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "place",
                        "indexes": [
                            models.Index(fields=["jpath"], name="place_jpath_prefix", opclasses=["varchar_pattern_ops"])
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Unit",
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
                                    ("department", "Government department"),
                                    ("employer", "Employer"),
                                    ("school", "School"),
                                    ("enterprise", "Enterprise"),
                                    ("clinic", "Clinic / hospital"),
                                    ("lab", "Testing laboratory"),
                                    ("venue", "Venue"),
                                    ("checkpoint", "Checkpoint"),
                                    ("pharmacy", "Pharmacy"),
                                ],
                                max_length=16,
                                verbose_name="kind",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                        ("jpath", models.CharField(db_index=True, max_length=128)),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="units",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "supervising_department",
                            models.ForeignKey(
                                blank=True,
                                limit_choices_to={"kind": "department"},
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="supervised_units",
                                to="registry.unit",
                                verbose_name="supervising department",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "unit",
                        "ordering": ["kind", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="RoleAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("role", models.CharField(max_length=32, verbose_name="role")),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="roles",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to="registry.unit"
                            ),
                        ),
                    ],
                    options={
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("jurisdiction__isnull", False), ("unit__isnull", False), _connector="OR"
                                ),
                                name="role_bound_to_jurisdiction_or_unit",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Person",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(db_index=True, max_length=64, verbose_name="name")),
                        (
                            "doc_type",
                            models.CharField(
                                choices=[
                                    ("resident_id", "Resident ID card"),
                                    ("passport", "Passport"),
                                    ("hk_macao_permit", "Mainland travel permit for Hong Kong and Macao residents"),
                                    ("taiwan_permit", "Mainland travel permit for Taiwan residents"),
                                    ("foreign_pr", "Foreign permanent resident ID card"),
                                    ("other", "Other document"),
                                ],
                                max_length=20,
                                verbose_name="document type",
                            ),
                        ),
                        ("doc_cipher", models.BinaryField()),
                        ("doc_hash", models.CharField(editable=False, max_length=64)),
                        ("phone_cipher", models.BinaryField(null=True)),
                        ("phone_hash", models.CharField(blank=True, editable=False, max_length=64)),
                        (
                            "sex",
                            models.CharField(
                                blank=True,
                                choices=[("M", "Male"), ("F", "Female"), ("", "Unknown")],
                                max_length=1,
                                verbose_name="sex",
                            ),
                        ),
                        ("birth_date", models.DateField(blank=True, null=True, verbose_name="birth date")),
                        ("jpath", models.CharField(max_length=128)),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="address")),
                        ("is_resident", models.BooleanField(default=True, verbose_name="registered resident")),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("updated_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        (
                            "community",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="community_people",
                                to="registry.jurisdiction",
                                verbose_name="community",
                            ),
                        ),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="people",
                                to="registry.jurisdiction",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="members",
                                to="registry.place",
                                verbose_name="household",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="members",
                                to="registry.unit",
                                verbose_name="employer / school",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "person",
                        "indexes": [
                            models.Index(fields=["phone_hash"], name="person_phone_hash"),
                            models.Index(
                                fields=["jpath"], name="person_jpath_prefix", opclasses=["varchar_pattern_ops"]
                            ),
                            fangkong.core.indexes.HashIndex(fields=["doc_hash"], name="person_doc_hash"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("doc_hash", "doc_type"), name="person_unique_document")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PersonTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "tag",
                            models.CharField(
                                choices=[
                                    ("public_official", "Public official"),
                                    ("student", "Student"),
                                    ("key_population", "Key population"),
                                    ("elderly_alone", "Elderly living alone"),
                                    ("bedridden", "Bedridden"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="tags", to="registry.person"
                            ),
                        ),
                    ],
                    options={
                        "indexes": [models.Index(fields=["tag", "person"], name="person_tag_members")],
                        "constraints": [models.UniqueConstraint(fields=("person", "tag"), name="person_tag_unique")],
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
                    options={
                        "db_table": "testing_householdcode",
                    },
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
                        "db_table": "testing_personcode",
                        "indexes": [fangkong.core.indexes.HashIndex(fields=["code"], name="person_code_hash")],
                        "constraints": [models.UniqueConstraint(fields=("code",), name="person_code_unique")],
                    },
                ),
            ],
            without_tables=("HouseholdCode", "PersonCode"),
        ),
    ]
