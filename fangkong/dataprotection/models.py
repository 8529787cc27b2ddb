"""Data protection above the modules: how long each class of personal data is kept (district HQ sets it), and the
daily counts that purged records leave behind for the statistics.

This app sits above every domain app: it calls their retention functions, and none of them imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock


class RetentionPeriod(models.Model):
    """How many days one class of personal data is kept, counted from the moment the class names (the passage,
    the end of the trip, the round's deadline, the release, the closing of a report …). Seeded with the defaults
    by migration 0002; a class without a row is kept for its default (classes.py). Passages are the exception:
    their period is the screening settings' (it also bounds how late a checkpoint may register a passage), and
    this table only mirrors it."""

    data_class = models.CharField(_("data class"), max_length=32, unique=True)
    days = models.PositiveIntegerField(_("days"))
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("retention period")

    def __str__(self) -> str:
        return f"{self.data_class}: {self.days}"


class DailyCount(models.Model):
    """How many records of a class there were on a day in a jurisdiction, by kind (an arrival told to isolate, a
    scan by a green code …): written by the purge in the same transaction as it deletes them, so the statistics
    outlive the personal data. No person, no id: counts only."""

    data_class = models.CharField(max_length=32)
    day = models.DateField()
    jpath = models.CharField(max_length=128)
    what = models.CharField(max_length=64, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    JPATH_SUM = "count"  # registry.tree: two places merged add up their counts

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["data_class", "day", "jpath", "what"], name="dailycount_once"),
        ]
        ordering = ["data_class", "day", "jpath", "what"]
