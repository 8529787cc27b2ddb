"""Volunteers at work (群防群控): shifts the community assigns (sampling support, deliveries, checkpoint duty,
patrols), checked in and out on the volunteer's phone; the hours are the sum of the shifts worked."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock


class Shift(models.Model):
    """A volunteer's shift: what, where, from when to when; never two at once for one volunteer (checked under a
    lock on the volunteer's row). Goes with the sign-up when retention deletes it."""

    class Task(models.TextChoices):
        SAMPLING = "sampling", _("Sampling support")
        DELIVERY = "delivery", _("Deliveries")
        CHECKPOINT = "checkpoint", _("Checkpoint duty")
        PATROL = "patrol", _("Patrol")
        OTHER = "other", pgettext_lazy("shift", "Other")

    volunteer = models.ForeignKey("livelihood.Volunteer", on_delete=models.CASCADE, related_name="shifts")
    task = models.CharField(_("task"), max_length=12, choices=Task.choices)
    place = models.CharField(_("where"), max_length=100, blank=True)
    jpath = models.CharField(max_length=128)  # the volunteer's community: whoever works it assigns the shift
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=clock.now)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    # Who checked in or out for the volunteer (a community officer, when the volunteer has no phone); empty: the
    # volunteer on their own phone.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True) | models.Q(checked_in_at__isnull=False),
                name="shift_out_after_in",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "starts_at"], name="shift_volunteer_starts"),
            models.Index(fields=["jpath"], name="shift_jpath", opclasses=["varchar_pattern_ops"]),
        ]

    @property
    def worked(self) -> timedelta:
        """The time checked in, for the hours ledger (nothing until checked out)."""
        if self.checked_in_at is None or self.checked_out_at is None:
            return timedelta(0)
        return self.checked_out_at - self.checked_in_at

    @property
    def worked_minutes(self) -> int:
        return int(self.worked.total_seconds() // 60)

    @property
    def stage(self) -> str:
        """Where the shift stands: cancelled, worked (checked out), on (checked in), or planned."""
        if self.cancelled_at:
            return "cancelled"
        if self.checked_out_at:
            return "worked"
        if self.checked_in_at:
            return "on"
        return "planned"
