"""Venue codes and scans; sentinel reports from clinics and pharmacies, and the alerts they raise."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Person, Unit

from .zones import Colour


def new_venue_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as the personal codes: no 0/O, 1/I
    return "V" + "".join(secrets.choice(alphabet) for _ in range(11))


class VenueCode(models.Model):
    """A venue's code (场所码), printed at its door: visitors' scans are recorded against it for tracing."""

    venue = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="venue_code")
    code = models.CharField(max_length=16, unique=True, default=new_venue_code)
    created_at = models.DateTimeField(default=clock.now)


class VenueScan(models.Model):
    """Person P was at venue V at time t (and what their status said). Many: no database foreign keys, as for
    testing's samples; two indexes, one for each tracing question."""

    venue = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    at = models.DateTimeField()
    colour = models.CharField(max_length=6, choices=Colour.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    jpath = models.CharField(max_length=128)  # the venue's

    class Meta:
        indexes = [
            models.Index(fields=["venue", "at"], name="venuescan_venue_at"),
            models.Index(fields=["person", "at"], name="venuescan_person_at"),
        ]


class SentinelReport(models.Model):
    """A clinic, fever clinic or pharmacy reports a fever patient, a pre-screening triage or a purchase of fever,
    cough, antiviral or antibiotic drugs (clinics as sentinels, 哨点)."""

    class Kind(models.TextChoices):
        FEVER = "fever", _("Fever patient")
        TRIAGE = "triage", _("Pre-screening triage")
        PURCHASE = "purchase", _("Drug purchase")

    class Drug(models.TextChoices):
        ANTIPYRETIC = "antipyretic", _("Fever reducers")
        COUGH = "cough", _("Cough medicine")
        ANTIVIRAL = "antiviral", _("Antivirals")
        ANTIBIOTIC = "antibiotic", _("Antibiotics")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    drugs = models.JSONField(_("drugs"), default=list, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)  # the unit's

    class Meta:
        indexes = [models.Index(fields=["unit", "at"], name="sentinel_unit_at")]


class SentinelAlert(models.Model):
    """A report about someone from a risk area or with a recent positive: a task for their community."""

    report = models.OneToOneField(SentinelReport, on_delete=models.PROTECT, related_name="alert")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=clock.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)  # the person's: their community acts

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="sentinelalert_jpath", opclasses=["varchar_pattern_ops"])]
