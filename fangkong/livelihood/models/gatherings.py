"""Gatherings (聚集性活动): weddings, funerals, markets, performances and religious services registered ahead with
their expected size and place, and decided at once by the size limits in force for the strictest zone over the
place — limits the district keeps as data, one row per zone level (and one for places outside any zone)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Place


class GatheringLimit(models.Model):
    """The size rules of one zone level (`level_code`; empty: places outside any zone). Up to `conditions_above`
    people a gathering is approved; up to `max_size` it is approved with the conditions (limited); above, refused.
    A sealed or controlled zone refuses every gathering whatever its row says (the protocol: 严禁聚集)."""

    level_code = models.CharField(_("zone level"), max_length=20, unique=True, blank=True)
    conditions_above = models.PositiveIntegerField(_("conditions above (people)"))
    max_size = models.PositiveIntegerField(_("refused above (people)"))
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["level_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conditions_above__lte=models.F("max_size")), name="gatheringlimit_order"
            )
        ]


class Gathering(models.Model):
    class Kind(models.TextChoices):
        WEDDING = "wedding", _("Wedding")
        FUNERAL = "funeral", _("Funeral")
        MARKET = "market", _("Market fair")
        PERFORMANCE = "performance", _("Performance")
        RELIGIOUS = "religious", _("Religious service")
        OTHER = "other", pgettext_lazy("gathering", "Other")

    class State(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("gathering", "Approved")
        LIMITED = "limited", pgettext_lazy("gathering", "Approved with conditions")
        REFUSED = "refused", pgettext_lazy("gathering", "Refused")
        CANCELLED = "cancelled", pgettext_lazy("gathering", "Cancelled")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    expected_size = models.PositiveIntegerField(_("expected size"))
    organiser = models.CharField(_("organiser"), max_length=60, blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    # The decision as it was made, as facts (its words are put in the reader's language when read): why (a
    # REASON_* code of gatherings.rules), the limit applied, the zone level and zone that decided, the rule's version.
    reason_code = models.CharField(max_length=12)
    limit_used = models.PositiveIntegerField(null=True, blank=True)
    conditions = models.CharField(max_length=300, blank=True)
    level_code = models.CharField(max_length=20, blank=True)
    zone_id_at_decision = models.IntegerField(null=True, blank=True)
    zone_name = models.CharField(max_length=100, blank=True)
    rule_version = models.PositiveIntegerField(default=0)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["jpath"], name="gathering_jpath", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["starts_at"], name="gathering_starts"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def reason(self) -> str:
        """Why it was decided so, in the reader's language."""
        from fangkong.livelihood.gatherings.rules import describe

        return describe(self.reason_code, self.limit_used, self.expected_size, self.level_code, self.zone_name)
