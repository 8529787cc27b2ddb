"""24-hour duty (值班值守): shifts per post with a leader on duty and duty officers, check-in and check-out, the
duty log with entries promoted to significant events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Unit


class DutyShift(models.Model):
    """One shift of a post — a jurisdiction's duty room or a unit's (a department, a hospital): usually 24
    hours, 08:00 to 08:00."""

    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    label = models.CharField(max_length=60, blank=True)  # "五一假期" — what template made it
    jpath = models.CharField(max_length=128)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "starts_at"], name="duty_shift_once"),
            models.UniqueConstraint(fields=["unit", "starts_at"], name="duty_shift_once_unit"),
            models.CheckConstraint(
                condition=models.Q(jurisdiction__isnull=False) | models.Q(unit__isnull=False),
                name="duty_shift_has_a_post",
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="duty_shift_time")]

    @property
    def post(self):
        return self.jurisdiction or self.unit


class DutyAssignment(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader on duty")
        OFFICER = "officer", _("Duty officer")

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=Role.choices)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    # The shift's times, kept here so that "one person, two overlapping shifts" is one indexed query.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shift", "user"], name="duty_once_per_shift")]
        indexes = [models.Index(fields=["user", "starts_at"], name="duty_user_time")]


class DutyLogEntry(models.Model):
    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="log")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)
    text = models.TextField()
    significant = models.BooleanField(default=False)  # promoted to a significant event (reported upwards)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
