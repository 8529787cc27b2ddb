"""Information reporting (信息报送): report templates whose fields are data, assigned to jurisdictions or units
with a schedule; submissions (or a one-click zero report, 零报告); completeness and timeliness per unit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class ReportTemplate(models.Model):
    class Schedule(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    name = models.CharField(_("name"), max_length=100)
    # [{"key": "arrivals", "label": "返乡人数", "type": "number|text|choice", "choices": [...], "required": true}]
    fields = models.JSONField(default=list)
    schedule = models.CharField(max_length=8, choices=Schedule.choices, default=Schedule.DAILY)
    due_time = models.TimeField(_("due by"), default=time(16, 0))
    weekday = models.PositiveSmallIntegerField(default=0)  # weekly: 0 = Monday, the day it is due
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    active = models.BooleanField(default=True)
    jpath = models.CharField(max_length=128)  # who set it: who oversees it

    def __str__(self) -> str:
        return self.name

    def period_of(self, day: date) -> date:
        """The period a day belongs to: the day itself, or the Monday of its week."""
        return day if self.schedule == self.Schedule.DAILY else day - timedelta(days=day.weekday())

    def due_at(self, period: date) -> datetime:
        """When the report for `period` is due, in the district's time."""
        day = period if self.schedule == self.Schedule.DAILY else period + timedelta(days=self.weekday)
        return timezone.make_aware(datetime.combine(day, self.due_time), timezone.get_default_timezone())

    def periods(self, since: date, until: date) -> list[date]:
        """The periods from `since` to `until` (inclusive), in order."""
        step = timedelta(days=1 if self.schedule == self.Schedule.DAILY else 7)
        out, p = [], self.period_of(since)
        while p <= until:
            out.append(p)
            p += step
        return out


class ReportAssignment(models.Model):
    """Who files a template: a jurisdiction (its officers) or a unit, from a date."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="assignments")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    since = models.DateField()
    jpath = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jurisdiction__isnull=False) | models.Q(unit__isnull=False),
                name="report_assignment_has_a_reporter",
            ),
        ]

    @property
    def reporter(self):
        return self.jurisdiction or self.unit


class ReportSubmission(models.Model):
    """One filed report for one period; its due moment is stored with it, so timeliness is one comparison."""

    assignment = models.ForeignKey(ReportAssignment, on_delete=models.CASCADE, related_name="submissions")
    period = models.DateField()
    values = models.JSONField(default=dict)
    zero = models.BooleanField(default=False)  # nothing to report
    submitted_at = models.DateTimeField(default=clock.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "period"], name="report_once_per_period")]
