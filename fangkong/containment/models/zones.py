"""Colours and the zone protocol's levels; zones over places and jurisdictions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.bilingual import in_reader_language
from fangkong.core.memo import ttl_memo
from fangkong.registry.models import Jurisdiction, Place


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
    # The district names its levels in Chinese; a reader in English reads this instead, where it is given.
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    colour = models.CharField(_("status of the people inside"), max_length=6, choices=Colour.choices)
    restrictions = models.TextField(_("restrictions"), blank=True)
    restrictions_en = models.TextField(_("restrictions in English"), blank=True)
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
        return self.label

    @property
    def label(self) -> str:
        """The name as a reader sees it: in English where the district gave an English name, else its name."""
        return in_reader_language(self.name, self.name_en)

    @property
    def restrictions_shown(self) -> str:
        return in_reader_language(self.restrictions, self.restrictions_en)


@ttl_memo(60.0)
def zone_levels_by_code() -> dict[str, ZoneLevel]:
    """Every level by its code, memoised per process: a stored status reason names its level by code and is put
    in the reader's language when read (a scanner's reply, hot), without a query. A level edit forgets it here at
    once (protocol.level_update) and in the other processes within a minute."""
    return {level.code: level for level in ZoneLevel.objects.all()}


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
    # None: drafted by the platform when a case was confirmed (`drafted_for`); any officer may then approve it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    drafted_for = models.ForeignKey(
        "containment.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafted_zones",
        verbose_name=_("drafted for the case"),
    )
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


class ZoneDrafting(models.Model):
    """One row: whether a confirmed case drafts the protocol's zone over their home compound by itself (still
    pending a human officer's approval). On unless the district turns it off."""

    drafts_for_cases = models.BooleanField(_("draft a zone when a case is confirmed"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    @classmethod
    def load(cls) -> ZoneDrafting:
        """The row, or the default (on) unsaved: a read never writes."""
        return cls.objects.order_by("pk").first() or cls()
