"""Confirmed cases and close contacts, guarded manual status changes and their appeals, and the stored
personal status (a cache every change rewrites)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Person

from .zones import Colour


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
    """A person in close contact with a case (found by tracing: venue scans, interviews), recorded with the time of
    the last contact; a manual status change or a transfer may cite it."""

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
