"""The inbox moves from command down to core (every module tells people through it). Only Django's idea of which
app owns the model changes: the table stays `command_notification`, created by command's first migration, and
not a row is copied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_audit_event_mac"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
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
                        "db_table": "command_notification",
                        "indexes": [models.Index(fields=["user", "read_at", "at"], name="notification_inbox")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
