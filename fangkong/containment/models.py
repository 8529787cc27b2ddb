"""Containment: zones over places, confirmed cases, guarded manual status changes and their appeals, and the
personal status each of them feeds (derived, stored only as a cache that every change rewrites)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Person, Place, Unit


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


SEVERITY: dict[str, int] = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


class ZoneLevel(models.Model):
    """A level of the zone protocol: what it means for the people inside and when it may be lifted. Data the
    district edits (defaults from the domain brief: sealed, controlled, prevention; the later high/medium/low
    scheme is three more rows with 7-day criteria)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("status of the people inside"), max_length=6, choices=Colour.choices)
    restrictions = models.TextField(_("restrictions"), blank=True)
    rank = models.PositiveSmallIntegerField(_("rank (1 = strictest)"), default=1)
    quiet_days = models.PositiveSmallIntegerField(_("days without a new case"), default=14)
    contact_days = models.PositiveSmallIntegerField(
        _("days since the last close contact (tested negative)"), default=14
    )
    negative_days = models.PositiveSmallIntegerField(_("whole area negative within (days; 0: not required)"), default=2)
    lifts_with_others = models.BooleanField(_("lifts when no stricter zone remains"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A sealed / controlled / prevention zone: a decision with a record (document number, basis, who asked, who
    approved — two different people) over compounds, buildings or whole jurisdictions."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", _("In force")
        REJECTED = "rejected", _("Rejected")
        LIFTED = "lifted", _("Lifted")

    name = models.CharField(_("name"), max_length=100)
    level = models.ForeignKey(ZoneLevel, on_delete=models.PROTECT, related_name="zones", verbose_name=_("level"))
    places = models.ManyToManyField(Place, blank=True, related_name="+", verbose_name=_("compounds and buildings"))
    jurisdictions = models.ManyToManyField(Jurisdiction, blank=True, related_name="+")
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    basis = models.TextField(_("basis"))
    starts_at = models.DateTimeField(_("starts"))
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_note = models.CharField(max_length=300, blank=True)
    # Lifting early (criteria unmet) is a two-person decision like putting the zone in force: one officer asks
    # with the reason, another confirms.
    lift_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_requested_at = models.DateTimeField(null=True, blank=True)
    lift_request_note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)  # the narrowest jurisdiction holding all of it: who sees the zone

    class Meta:
        indexes = [models.Index(fields=["state"], name="zone_state")]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A confirmed positive person (from a single-tube result, a retest or a clinic), red until released."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    confirmed_at = models.DateTimeField(default=clock.now)
    source = models.CharField(max_length=20)  # "testing", "clinic" …
    reference = models.CharField(max_length=60, blank=True)  # the tube code, the report number
    jpath = models.CharField(max_length=128)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(released_at__isnull=True), name="case_one_open_per_person"
            )
        ]
        indexes = [models.Index(fields=["jpath"], name="case_jpath_prefix", opclasses=["varchar_pattern_ops"])]


class CloseContact(models.Model):
    """A person in close contact with a case (found by tracing: venue scans, interviews). Lifting a zone waits
    until the last contact is long enough ago and was followed by a negative test."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    last_contact_at = models.DateTimeField(_("last contact"))
    note = models.CharField(_("how"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128)  # the contact's

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case")]


class StatusChange(models.Model):
    """A manual status change: never by one person alone. A legal basis, a second approver who is not the
    requester, an expiry, a notice the person reads (and may appeal) — each step in the audit."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_changes")
    colour = models.CharField(_("colour"), max_length=6, choices=Colour.choices)
    basis = models.TextField(_("legal basis"))
    expires_at = models.DateTimeField(_("expires"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    batch = models.CharField(max_length=40, blank=True)  # requested together with others (each with its basis)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    notice = models.TextField(_("notice to the person"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Revoking an applied change early needs a second officer too (it frees or releases someone as surely as the
    # change restricted them): one asks with the reason, another confirms.
    revoke_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_requested_at = models.DateTimeField(null=True, blank=True)
    revoke_request_note = models.CharField(max_length=300, blank=True)
    jpath = models.CharField(max_length=128)  # the person's

    class Meta:
        indexes = [
            models.Index(fields=["person", "state"], name="statuschange_person_state"),
            models.Index(fields=["jpath"], name="statuschange_jpath_prefix", opclasses=["varchar_pattern_ops"]),
        ]


class Appeal(models.Model):
    """The person's objection to a manual change; decided by someone other than those who made the change."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld: change revoked")
        DISMISSED = "dismissed", _("Dismissed")

    change = models.ForeignKey(StatusChange, on_delete=models.PROTECT, related_name="appeals")
    text = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(default=clock.now)
    filed_by = models.ForeignKey(  # the resident's own account, or the grid worker writing it down for them
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)


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


class PersonStatus(models.Model):
    """The derived status, kept so that a scanner's look-up is one row: rewritten by every change of its inputs
    (which lock the row first, then read), and recomputed on reading when it has expired or the person moved.

    `colour` is NULL while the row is invalidated (`status_invalidate`: a source changed and nobody recomputed
    yet): a report reading the table counts such a person as unknown, never as green. Otherwise it is the
    colour computed at `computed_at`, good until `valid_until` (a manual change running out, a zone starting)."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    colour = models.CharField(max_length=6, choices=Colour.choices, null=True)  # NULL: invalidated, not known
    since = models.DateTimeField(null=True, blank=True)
    reasons = models.JSONField(default=list)
    valid_until = models.DateTimeField(null=True, blank=True)  # the earliest expiry among the reasons
    computed_at = models.DateTimeField()
    household_id = models.BigIntegerField(null=True)  # what it was computed for: a move makes it stale
    jpath = models.CharField(max_length=128)
