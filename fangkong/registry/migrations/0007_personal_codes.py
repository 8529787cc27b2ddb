"""Personal and household codes move from testing to the register (an identity that testing, containment and
the portal all read). Only Django's idea of the owner changes: the tables keep their names and their rows."""

import django.db.models.deletion
from django.db import migrations, models

import fangkong.core.clock
import fangkong.core.indexes
import fangkong.registry.models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_import_job_heartbeat"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HouseholdCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
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
                    options={"db_table": "testing_householdcode"},
                ),
                migrations.CreateModel(
                    name="PersonCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
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
            database_operations=[],
        ),
    ]
