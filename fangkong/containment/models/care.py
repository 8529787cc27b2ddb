"""Isolation sites and transfers to them (转运); a hospital's inpatients and their escorts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Person, Unit

from .cases import Case, CloseContact


class IsolationSite(models.Model):
    """A designated hospital or a central isolation site, with its beds."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Designated hospital")
        ISOLATION = "isolation", _("Central isolation site")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("beds"))
    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="isolation_site")  # its staff's unit
    jpath = models.CharField(max_length=128)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class TransferLimits:
    """How long each step may take before it is flagged (minutes): dispatch → pick-up, pick-up → arrival,
    arrival → receipt."""

    PICKUP = 120
    ARRIVAL = 120
    RECEIPT = 30


class Transfer(models.Model):
    """A closed-loop transfer (转运) of a case or close contact: dispatched → picked up → arrived → received →
    released, each step stamped with who and when, in that order."""

    class State(models.TextChoices):
        DISPATCHED = "dispatched", _("Dispatched")
        PICKED_UP = "picked_up", _("Picked up")
        ARRIVED = "arrived", _("Arrived")
        RECEIVED = "received", _("Received: in isolation")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    contact = models.ForeignKey(CloseContact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pickup_address = models.CharField(_("pick-up address"), max_length=200)
    destination = models.ForeignKey(IsolationSite, on_delete=models.PROTECT, related_name="transfers")
    vehicle = models.CharField(_("vehicle"), max_length=40)
    crew = models.CharField(_("crew"), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DISPATCHED)
    dispatched_at = models.DateTimeField(default=clock.now)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    picked_up_at = models.DateTimeField(null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)  # the person's

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(state__in=["released", "cancelled"]),
                name="transfer_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["destination", "state"], name="transfer_site_state")]


class Inpatient(models.Model):
    """A hospital's inpatient register, with the escorts allowed to stay."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The name as the hospital took it from the patient: what its register shows. The population register's
    # name is never echoed to a hospital (it would confirm who is registered under a number).
    name = models.CharField(_("name"), max_length=64, blank=True)
    ward = models.CharField(_("ward"), max_length=40)
    bed = models.CharField(_("bed"), max_length=20, blank=True)
    admitted_at = models.DateTimeField(default=clock.now)
    discharged_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)  # the hospital's

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"], condition=models.Q(discharged_at__isnull=True), name="inpatient_once"
            )
        ]


class Escort(models.Model):
    inpatient = models.ForeignKey(Inpatient, on_delete=models.CASCADE, related_name="escorts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=64, blank=True)  # as the hospital took it (see Inpatient)
    since = models.DateTimeField(default=clock.now)
    until = models.DateTimeField(null=True, blank=True)
