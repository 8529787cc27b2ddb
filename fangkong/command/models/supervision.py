"""Supervision and accountability (督查问责): findings against tasks, checkpoints, reports or units, and the
outcomes they lead to — each outcome proposed by one person and approved by another."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class Finding(models.Model):
    class Target(models.TextChoices):
        TASK = "task", _("Task")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        REPORT = "report", pgettext_lazy("form to file", "Report")
        UNIT = "unit", _("Unit")
        JURISDICTION = "jurisdiction", _("Jurisdiction")

    target_kind = models.CharField(max_length=12, choices=Target.choices)
    target_id = models.BigIntegerField()
    # Who answers for it: the unit, or the jurisdiction's officers.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("finding"))
    found_at = models.DateTimeField(default=clock.now)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="finding_jpath", opclasses=["varchar_pattern_ops"])]


class Outcome(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder (提醒)")
        CRITICISM = "criticism", _("Criticism (通报批评)")
        ACCOUNTABILITY = "accountability", _("Formal accountability (问责)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
