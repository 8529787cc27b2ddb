"""Incident fast reports (突发事件快报): an initial report, numbered follow-ups, a final report, each due within
the time its event level allows (data the district edits; by default a written report within an hour)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.bilingual import in_reader_language
from fangkong.registry.models import Jurisdiction


class IncidentLevel(models.Model):
    code = models.SlugField(max_length=8, unique=True)
    name = models.CharField(max_length=40)
    # The district names its levels in Chinese; a reader in English reads this instead, where it is given.
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    initial_minutes = models.PositiveIntegerField(_("initial written report within (minutes)"), default=60)
    followup_hours = models.PositiveIntegerField(_("follow-up at least every (hours)"), default=24)
    rank = models.PositiveSmallIntegerField(default=4)  # 1 = most serious

    class Meta:
        db_table = "command_incidentlevel"  # born in command (moved here without copying a row)
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name as a reader sees it: in English where the district gave an English name, else its name."""
        return in_reader_language(self.name, self.name_en)


class Incident(models.Model):
    title = models.CharField(_("title"), max_length=200)
    level = models.ForeignKey(IncidentLevel, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("occurred"))
    known_at = models.DateTimeField(_("known"), default=clock.now)  # the clock for the initial report starts here
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)  # the final report
    jpath = models.CharField(max_length=128)

    class Meta:
        db_table = "command_incident"  # born in command (moved here without copying a row)


class IncidentReport(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial report")
        FOLLOWUP = "followup", _("Follow-up")
        FINAL = "final", _("Final report")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(default=0)  # follow-ups: 1, 2, 3 …
    text = models.TextField()
    at = models.DateTimeField(default=clock.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "command_incidentreport"  # born in command (moved here without copying a row)
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "number"], name="incident_report_once")]
