"""The portal's migrations 0001–0005 squashed (see core 0001_squashed_0009 for why the originals stay).

The one-time codes' table (portal_onetimecode) is made here, as 0001 made it; 0006, which hands the model to the
residents' app, stays a migration of its own (it runs after residents 0001, which runs after this one). Left out:
0003's category tree (written after every migrate by core.defaults: the portal's `categories`, the same rows from
the same defaults.ensure_categories).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import fangkong.core.clock
from fangkong.core.migrations._operations import CreateModels


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("portal", "0001_initial"),
        ("portal", "0002_articles"),
        ("portal", "0003_default_categories"),
        ("portal", "0004_article_order_index"),
        ("portal", "0005_approved_mac"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            operations=[
                migrations.CreateModel(
                    name="OneTimeCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("phone_hash", models.CharField(max_length=64)),
                        ("code_hash", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("expires_at", models.DateTimeField()),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "indexes": [models.Index(fields=["phone_hash", "created_at"], name="otc_phone_created")],
                    },
                ),
                migrations.CreateModel(
                    name="Article",
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
                                choices=[("news", "News"), ("notice", "Notice")],
                                default="news",
                                max_length=8,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("submitted", "Submitted for review"),
                                    ("published", "Published"),
                                    ("rejected", "Returned to the editor"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                default="draft",
                                max_length=10,
                            ),
                        ),
                        ("department", models.CharField(blank=True, max_length=60, verbose_name="department")),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("pinned", models.BooleanField(default=False, verbose_name="pinned")),
                        ("expires_at", models.DateTimeField(blank=True, null=True, verbose_name="expires")),
                        ("source", models.CharField(blank=True, max_length=300)),
                        ("title", models.CharField(blank=True, max_length=200, verbose_name="title")),
                        ("body_html", models.TextField(blank=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        ("content_mac", models.CharField(blank=True, max_length=64)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "published_version",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="portal.articleversion",
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="articles",
                                to="portal.category",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(fields=["published_at"], name="article_published"),
                            models.Index(fields=["category", "published_at", "id"], name="article_category_published"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ArticleVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveIntegerField()),
                        ("title", models.CharField(max_length=200)),
                        ("body_html", models.TextField()),
                        ("created_at", models.DateTimeField(default=fangkong.core.clock.now)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        ("mac", models.CharField(max_length=64)),
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
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="portal.article",
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
                        ("approved_mac", models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        "ordering": ["number"],
                        "constraints": [
                            models.UniqueConstraint(fields=("article", "number"), name="article_version_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=60, verbose_name="name")),
                        ("slug", models.SlugField(max_length=60, unique=True)),
                        ("order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="portal.category",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["order", "pk"],
                        "constraints": [models.UniqueConstraint(fields=("parent", "name"), name="category_name_once")],
                    },
                ),
            ],
        ),
    ]
