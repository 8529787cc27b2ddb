"""Confirmed cases (with their source case and cluster), their contacts and the protocol managing them, guarded
manual status changes and their appeals, and the stored personal status (a cache every change rewrites)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Person, Unit
from fangkong.screening.models import FollowUp

from ..defaults import DEFAULT_CONTACT_PROTOCOL
from .zones import Colour


class Cluster(models.Model):
    """Cases grouped because they were infected together or from one another (a family, a workplace, a venue, a
    market): made by hand, or from a suggestion of shared places and times."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Family")
        WORKPLACE = "workplace", _("Workplace")
        VENUE = "venue", _("Venue")
        MARKET = "market", _("Market")
        OTHER = "other", pgettext_lazy("cluster", "Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128)  # the narrowest jurisdiction holding its cases when made

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="cluster_jpath_prefix", opclasses=["varchar_pattern_ops"])]


class Case(models.Model):
    """A confirmed positive person (from a single-tube result, a retest or a clinic), red until released."""

    class Classification(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed case")
        ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")

    class Certainty(models.TextChoices):
        """How sure the link to `source_case` is; unknown: no source found (flagged on the chain and the list)."""

        KNOWN = "known", _("Known source")
        SUSPECTED = "suspected", _("Suspected source")
        UNKNOWN = "unknown", _("Source unknown")

    class Source(models.TextChoices):
        """Where the case was found."""

        TESTING = "testing", _("Positive retest")
        CLINIC = "clinic", _("Fever clinic")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        CONTACT = "contact", _("A contact's test")
        MANUAL = "manual", _("Recorded by hand")

    class Outcome(models.TextChoices):
        IN_TREATMENT = "in_treatment", _("In treatment")
        RECOVERED = "recovered", _("Recovered")
        DIED = "died", _("Died")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    confirmed_at = models.DateTimeField(default=clock.now)  # the report date of the epidemic curve
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, default=Classification.CONFIRMED
    )
    onset_date = models.DateField(_("onset of symptoms"), null=True, blank=True)  # none for an asymptomatic one
    source_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="infected", verbose_name=_("source case")
    )
    source_certainty = models.CharField(
        _("source"), max_length=10, choices=Certainty.choices, default=Certainty.UNKNOWN
    )
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", verbose_name=_("cluster")
    )
    source = models.CharField(_("where found"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    reference = models.CharField(max_length=60, blank=True)  # the tube code, the report number
    workplace = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("workplace")
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.IN_TREATMENT)
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
    """A person in close contact with a case (found by tracing: venue scans, interviews), recorded with the time of
    the last contact; a manual status change or a transfer may cite it."""

    class Kind(models.TextChoices):
        CLOSE = "close", _("Close contact")  # 密接
        SECONDARY = "secondary", _("Secondary contact")  # 次密接

    class Exposure(models.TextChoices):
        HOUSEHOLD = "household", pgettext_lazy("exposure", "Household")
        WORKPLACE = "workplace", _("Workplace")
        VENUE = "venue", _("Venue")
        VEHICLE = "vehicle", _("Vehicle")
        COPRESENCE = "copresence", _("Co-presence (same place and time)")
        OTHER = "other", pgettext_lazy("exposure", "Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLOSE)
    exposure = models.CharField(_("how they met"), max_length=12, choices=Exposure.choices, default=Exposure.OTHER)
    last_contact_at = models.DateTimeField(_("last contact"))
    note = models.CharField(_("how"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128)  # the contact's
    # The protocol as it stood when the contact was recorded (ContactProtocol): a later edit of the district's
    # protocol does not move the days of someone already under management. Day 1 is the day of the last exposure.
    central_days = models.PositiveSmallIntegerField(_("days of central isolation"), default=0)
    home_days = models.PositiveSmallIntegerField(_("days at home"), default=0)
    test_days = models.JSONField(_("test days"), default=list)
    # The closed loop in the contact's community (screening's follow-up: owner, contact deadline, tests, "nobody
    # missed"); none for a contact handed over to another district. A person who met two cases has one loop, which
    # both contacts share (it runs to the later end). Kept when screening purges its old rows.
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_note = models.CharField(_("release note"), max_length=300, blank=True)
    released_early = models.BooleanField(default=False)  # by an officer before the protocol's end, with a reason
    handed_over_to = models.CharField(_("handed over to"), max_length=200, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case")]
        indexes = [
            models.Index(
                fields=["person"],
                name="contact_managed_person",
                condition=models.Q(released_at__isnull=True, handed_over_at__isnull=True),
            )
        ]

    @property
    def central_until(self):
        return self.last_contact_at + timedelta(days=self.central_days)

    @property
    def release_at(self):
        """When the protocol ends (counted from the last exposure); release needs the tests negative too."""
        return self.last_contact_at + timedelta(days=self.central_days + self.home_days)

    @property
    def managed(self) -> bool:
        return self.released_at is None and self.handed_over_at is None

    def test_dates(self):
        start = clock.localdate(self.last_contact_at)
        return [(d, start + timedelta(days=d - 1)) for d in self.test_days]


class ContactProtocol(models.Model):
    """How a close or secondary contact is managed: days of central isolation, then days at home, and the test
    days, counted from the last exposure. Data the district edits (defaults written after migrate: defaults.py)."""

    kind = models.CharField(_("kind"), max_length=10, choices=CloseContact.Kind.choices, unique=True)
    central_days = models.PositiveSmallIntegerField(_("days of central isolation"))
    home_days = models.PositiveSmallIntegerField(_("days at home"))
    test_days = models.JSONField(_("test days"), default=list)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    @staticmethod
    def load() -> dict[str, ContactProtocol]:
        """Every kind's row; a kind without one reads as the default, unsaved (a read never writes)."""
        rows = {p.kind: p for p in ContactProtocol.objects.all()}
        for kind, central, home, tests in DEFAULT_CONTACT_PROTOCOL:
            if kind not in rows:
                rows[kind] = ContactProtocol(kind=kind, central_days=central, home_days=home, test_days=list(tests))
        return rows

    @staticmethod
    def ensure_defaults() -> None:
        for row in ContactProtocol.load().values():
            if row.pk is None:
                row.save()


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

    # registry.merging: the kept record's row stays (and is invalidated by the merge's event), the duplicate's goes.
    MERGE_DROPS_COLLISIONS = True

    class Meta:
        indexes = [
            # The command hall counts the people red and yellow under a jurisdiction: a few thousand rows of the
            # city's 1.4 million, read along this index, never the whole table.
            models.Index(
                fields=["jpath"],
                name="personstatus_alert_jpath",
                opclasses=["varchar_pattern_ops"],
                include=["colour"],  # counted by colour without reading the table (an index-only scan)
                condition=models.Q(colour__in=["red", "yellow"]),
            ),
            # The rows a reader must recompute before counting: invalidated (no colour) or lapsed by time.
            models.Index(
                fields=["valid_until"], name="personstatus_valid_until", condition=models.Q(valid_until__isnull=False)
            ),
            models.Index(fields=["person"], name="personstatus_invalidated", condition=models.Q(colour__isnull=True)),
        ]
