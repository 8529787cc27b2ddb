"""Livelihood's migrations 0001–0002 squashed (see core 0001_squashed_0009 for why the originals stay).

Left out: 0002's backfill of closed_at (nothing to fill in an empty table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("livelihood", "0001_initial"),
        ("livelihood", "0002_supply_request_closed_at"),
    ]

    dependencies = [
        ("containment", "0005_sentinels"),
        ("registry", "0004_sentinels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="PriceReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("shop", models.CharField(max_length=100, verbose_name="shop or seller")),
                        ("place", models.CharField(max_length=200, verbose_name="where")),
                        ("goods", models.CharField(max_length=100, verbose_name="goods")),
                        ("price", models.CharField(blank=True, max_length=60, verbose_name="price asked")),
                        ("hoarding", models.BooleanField(default=False, verbose_name="hoarding (goods withheld)")),
                        ("description", models.TextField(verbose_name="what happened")),
                        ("reported_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("anonymous", models.BooleanField(default=True)),
                        ("name_cipher", models.BinaryField(blank=True, null=True)),
                        ("phone_cipher", models.BinaryField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("confirmed", "Confirmed: action taken"),
                                    ("dismissed", "Not confirmed"),
                                ],
                                default="received",
                                max_length=10,
                            ),
                        ),
                        ("handled_at", models.DateTimeField(blank=True, null=True)),
                        ("outcome", models.CharField(blank=True, max_length=300)),
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
                    ],
                    options={
                        "indexes": [models.Index(fields=["state", "reported_at"], name="price_state")],
                    },
                ),
                migrations.CreateModel(
                    name="SupplyRequest",
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
                                    ("groceries", "Food and daily necessities"),
                                    ("medicine", "Medicine"),
                                    ("other", "Other"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("items", models.TextField(verbose_name="what is needed")),
                        (
                            "urgent",
                            models.BooleanField(
                                default=False, verbose_name="urgent (medicine, infants, the sick or elderly)"
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("accepted", "Being delivered"),
                                    ("delivered", "Delivered"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="received",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("accepted_at", models.DateTimeField(blank=True, null=True)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
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
                            "zone",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="containment.zone",
                            ),
                        ),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="supply_jpath", opclasses=["varchar_pattern_ops"]),
                            models.Index(fields=["state", "created_at"], name="supply_state"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Volunteer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("skills", models.JSONField(default=list)),
                        ("availability", models.CharField(max_length=200, verbose_name="when available")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("applied", "Applied"),
                                    ("accepted", "Accepted"),
                                    ("declined", "Declined"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                default="applied",
                                max_length=10,
                            ),
                        ),
                        ("applied_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("note", models.CharField(blank=True, max_length=300)),
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
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.person"
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["jpath"], name="volunteer_jpath", opclasses=["varchar_pattern_ops"])
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("state__in", ["applied", "accepted"])),
                                fields=("person",),
                                name="volunteer_once",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
