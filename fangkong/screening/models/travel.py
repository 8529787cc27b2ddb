"""Requests to pass unregistered, travel reports (离盘报备) and violations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Person, Unit

from .checkpoints import Checkpoint, Passage


class PassRequest(models.Model):
    """Someone asked the checkpoint to let a person or vehicle through without registering (不得要求不登记放行)."""

    class Outcome(models.TextChoices):
        REFUSED = "refused", _("Refused: registered as usual")
        LET_THROUGH = "let_through", _("Let through unregistered")

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="pass_requests")
    at = models.DateTimeField(_("time"), default=clock.now)
    requester_name = models.CharField(_("who asked"), max_length=64)
    requester_unit_name = models.CharField(_("their unit"), max_length=100)
    requester_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requester_post = models.CharField(_("their post"), max_length=64, blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]


class TravelReport(models.Model):
    """A planned trip out of the city (离盘报备), to the community and the employer; officials need approval."""

    class Approval(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Waiting for the unit's approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="travel_reports")
    destination = models.CharField(_("destination"), max_length=100)
    depart_on = models.DateField(_("leaving on"))
    return_on = models.DateField(_("returning on"))
    reason = models.CharField(_("reason"), max_length=200)
    transport = models.CharField(_("transport"), max_length=64)
    # None: the traveller reported it themself on the portal (signed in with a one-time code to their phone).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128)  # the person's, when filed
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")  # employer
    community_ack_at = models.DateTimeField(null=True, blank=True)
    community_ack_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_ack_at = models.DateTimeField(null=True, blank=True)
    employer_ack_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-depart_on", "-id"]
        indexes = [
            models.Index(fields=["person", "depart_on"], name="travel_person_depart"),
            models.Index(fields=["jpath"], name="travel_jpath_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    @property
    def covers_leaving(self) -> bool:
        """A report counts for an exit unless it was rejected or withdrawn."""
        return self.cancelled_at is None and self.approval != self.Approval.REJECTED


class Violation(models.Model):
    """An exit seen at a checkpoint with no travel report covering it (不报备者按违反指令处理)."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("To be handled")
        EXCUSED = "excused", _("Excused")
        WARNED = "warned", _("Warned")
        REFERRED = "referred", _("Referred for discipline")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="violations")
    # The exit itself; the violation keeps when and where, so the record stands after passages expire.
    # No database constraint: as FollowUp.passage (passages' partitions are dropped whole).
    passage = models.OneToOneField(
        Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="violation", db_constraint=False
    )
    at = models.DateTimeField(_("time"), null=True)
    checkpoint = models.ForeignKey(Checkpoint, null=True, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    jpath = models.CharField(max_length=128)
    explanation = models.CharField(_("the person's explanation"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["jpath"], name="violation_jpath_prefix", opclasses=["varchar_pattern_ops"])]
