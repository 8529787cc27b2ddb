"""Checkpoints, their shifts, and the passages registered at them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Person, Unit

from .protocol import Instruction, RiskArea


class Checkpoint(models.Model):
    """An entry-road checkpoint (道口). Staff work at it through a role bound to its unit."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="checkpoint")
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("leader"),
    )
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="checkpoint_shifts", blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]


class Passage(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Entering")
        OUT = "out", _("Leaving")

    class StatusCode(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")
        NONE = "", _("Not shown")

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="passages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="passages")
    # The name as the staff read it off the document: what they are shown back. The register's name is the
    # jurisdiction's to read; echoing it would tell staff that a typed number is registered, and whose it is.
    name = models.CharField(_("name as given"), max_length=64, blank=True)
    phone_cipher = models.BinaryField(null=True)  # the phone given at the checkpoint (encrypted)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    origin = models.CharField(_("coming from"), max_length=100, blank=True)
    visited = models.JSONField(_("places visited in the last days"), default=list)
    destination_community = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("destination community"),
    )
    destination_address = models.CharField(_("destination address"), max_length=200, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    status_code = models.CharField(_("status code seen"), max_length=6, choices=StatusCode.choices, blank=True)
    negative_test_48h = models.BooleanField(_("negative test within 48 h"), default=False)
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instruction = models.CharField(_("instruction"), max_length=20, choices=Instruction.choices)
    rule = models.CharField(_("rule"), max_length=32)  # rules.RULES; rendered in the reader's language
    rule_detail = models.CharField(_("what matched"), max_length=200, blank=True)
    risk_area = models.ForeignKey(RiskArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where the passage belongs for scoping: the destination community, else the checkpoint's jurisdiction.
    jpath = models.CharField(max_length=128)
    # Registered from a page that decided offline (screening/offline.py): what it told the staff, by which rule,
    # and with what (the rules' version, the status list's time). Empty for a decision made online.
    offline_instruction = models.CharField(
        _("instruction given offline"), max_length=20, choices=Instruction.choices, blank=True
    )
    offline_rule = models.CharField(max_length=32, blank=True)
    offline_basis = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["jpath"], name="passage_jpath_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["destination_community", "at"], name="passage_destination_at"),
            models.Index(fields=["checkpoint", "at"], name="passage_checkpoint_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.checkpoint} {clock.localtime(self.at)}"

    @property
    def rule_text(self) -> str:
        from ..rules import describe

        return describe(self.rule, self.risk_area, self.rule_detail)

    @property
    def offline_differs(self) -> bool:
        return bool(self.offline_instruction) and self.offline_instruction != self.instruction

    @property
    def offline_basis_text(self) -> str:
        """What the page decided with, from `rules=<version>;list=<issued_at>` (the page writes it so)."""
        from datetime import datetime

        parts = dict(p.split("=", 1) for p in self.offline_basis.split(";") if "=" in p)
        said = [_("rules %(version)s") % {"version": parts["rules"]}] if parts.get("rules") else []
        try:
            issued = datetime.fromisoformat(parts.get("list", "").replace("Z", "+00:00"))
            at = clock.localtime(issued)  # a time without its offset, or past the calendar: no list named
        except (ValueError, OverflowError):
            said.append(str(_("no status list")))
        else:
            said.append(_("status list of %(at)s") % {"at": at})
        return "; ".join(str(s) for s in said)

    @property
    def offline_rule_text(self) -> str:
        from ..rules import rule_texts

        text = rule_texts().get(self.offline_rule, self.offline_rule)
        return text % {"where": "…", "detail": "…"} if "%(" in text else text


class ArrivalCount(models.Model):
    """Arrivals per day, destination (the passage's `jpath`) and risk level, kept in step by each registration
    (passages.passage_register, in its transaction): the command hall and its trends count a city's day of
    arrivals from a few hundred rows instead of the day's passages. `arrivals_rebuild` recomputes it from the
    passages (after a bulk load that bypassed the registration)."""

    day = models.DateField()
    jpath = models.CharField(max_length=128)
    level = models.CharField(max_length=8, blank=True)  # the risk area's level; "" none
    # A checkpoint's busiest counter (pass-through visitors, one destination) would be one row that every
    # registration locks until it commits: spread over SHARDS rows by the passage's id, summed when read.
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)
    JPATH_SUM = "n"  # registry.tree: two places merged add up their counts

    SHARDS = 16

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "jpath", "level", "shard"], name="arrivalcount_once_per_shard")
        ]
