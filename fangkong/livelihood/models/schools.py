"""Schools' staggered holidays (错峰放假): each school's plan per grade — how many students leave on which day and
come back on which — so that the district sees the days its students travel and can spread them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Unit


class SchoolHoliday(models.Model):
    school = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=30)
    students = models.PositiveIntegerField(_("students"))
    leaves_on = models.DateField(_("holiday starts"))
    returns_on = models.DateField(_("back at school"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    jpath = models.CharField(max_length=128)  # the school's
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["leaves_on", "school_id", "grade"]
        constraints = [
            models.CheckConstraint(condition=models.Q(returns_on__gt=models.F("leaves_on")), name="holiday_span"),
            models.UniqueConstraint(
                fields=["school", "grade"], condition=models.Q(cancelled_at__isnull=True), name="holiday_grade_once"
            ),
        ]
        indexes = [models.Index(fields=["jpath"], name="holiday_jpath", opclasses=["varchar_pattern_ops"])]
