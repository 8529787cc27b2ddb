"""The daily situation report (每日疫情防控和安全生产情况): compiled from every module, each section approved
by a controller, then published and exported (.xlsx, PDF)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock


class SituationReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    day = models.DateField(unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    compiled_at = models.DateTimeField(default=clock.now)
    compiled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class SituationSection(models.Model):
    report = models.ForeignKey(SituationReport, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=20)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=100)
    figures = models.JSONField(default=list)  # [[label, value], …] as compiled
    text = models.TextField(blank=True)  # the contributors' words: the latest version's
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="situation_section_once")]


class SituationSectionVersion(models.Model):
    """Every text a section was given, with who wrote it and when: what was approved and published can be traced
    to its author, and an earlier wording is never lost to a later edit."""

    section = models.ForeignKey(SituationSection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["section", "-number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="situation_version_once")]
