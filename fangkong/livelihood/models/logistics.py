"""Logistics channel passes (物流通道通行证): a vehicle carrying essential goods applies (goods, route, driver,
validity), the transport department approves, and checkpoints see the pass when the vehicle is registered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock


class LogisticsPass(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    reference = models.CharField(max_length=12, unique=True)  # what the applicant quotes to ask how it stands
    plate = models.CharField(_("vehicle plate"), max_length=16, db_index=True)
    vehicle = models.CharField(_("vehicle"), max_length=40, blank=True)
    company = models.CharField(_("carrier"), max_length=100)
    goods = models.CharField(_("goods carried"), max_length=200)
    route = models.CharField(_("route"), max_length=200)
    # The district's streets and communities the route passes (ids): none may lie in a sealed zone.
    through = models.JSONField(default=list, blank=True)
    driver_name = models.CharField(_("driver"), max_length=40)
    driver_phone_cipher = models.BinaryField(null=True, editable=False)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    applied_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gt=models.F("valid_from")), name="pass_valid_span")
        ]
        indexes = [models.Index(fields=["state", "applied_at"], name="pass_state")]

    def __str__(self) -> str:
        return f"{self.plate} {self.reference}"
