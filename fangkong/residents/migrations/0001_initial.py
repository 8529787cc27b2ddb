"""Residents' one-time sign-in codes move from the portal to the residents' edge. Only Django's idea of the owner
changes: the table stays portal_onetimecode, with its rows."""

from django.db import migrations, models

import fangkong.core.clock


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0005_approved_mac"),  # the table exists from the portal's 0001 on
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OneTimeCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("phone_hash", models.CharField(max_length=64)),
                        ("code_hash", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("expires_at", models.DateTimeField()),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "portal_onetimecode",
                        "indexes": [models.Index(fields=["phone_hash", "created_at"], name="otc_phone_created")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
