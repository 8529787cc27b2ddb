"""Risk levels and the district's protocol, time limits and risk areas (data the district edits)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.memo import ttl_memo


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class Instruction(models.TextChoices):
    """What checkpoint staff are told to do, most urgent first."""

    CENTRAL_ISOLATION = "central_isolation", _("Send to central isolation")
    TURN_BACK = "turn_back", _("Turn back and notify the community")  # 劝返: leaving while red or yellow
    FEVER_CLINIC = "fever_clinic", _("Escort to a fever clinic")
    REGISTER_NOTIFY = "register_notify", _("Register and notify the community")
    LET_PASS = "let_pass", _("Let pass")


class Measure(models.TextChoices):
    CENTRAL_ISOLATION = "central_isolation", _("Central isolation")
    HOME_ISOLATION = "home_isolation", _("Home isolation")
    TESTS_ONLY = "tests_only", _("Tests only")


class RiskProtocol(models.Model):
    """What a risk level means: the instruction at the checkpoint, the measure, its days and test days.
    Data the district edits (defaults from the domain brief, migration 0002); the version shows edits."""

    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices, unique=True)
    instruction = models.CharField(_("instruction"), max_length=20, choices=Instruction.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    days = models.PositiveSmallIntegerField(_("days under the measure"))
    test_days = models.JSONField(_("test days"), default=list)  # day numbers, day 1 = the day of arrival
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.get_level_display()

    @classmethod
    def current(cls) -> dict[str, Any]:
        """Every level's row; a level the district has not configured reads as the domain brief's default, unsaved
        (migrate writes the defaults: core.defaults; a read never writes)."""
        return _protocol()

    @classmethod
    def load(cls) -> dict[str, Any]:
        rows: dict[str, Any] = {p.level: p for p in cls.objects.all()}
        for level, instruction, measure, days, test_days in DEFAULT_PROTOCOL:
            if level not in rows:
                rows[level] = cls(level=level, instruction=instruction, measure=measure, days=days, test_days=test_days)
        return rows

    @classmethod
    def ensure_defaults(cls) -> None:
        """Write the brief's default for every level without a row (after migrate: core.defaults)."""
        for row in cls.load().values():
            if row.pk is None:
                row.save()


# The domain brief's defaults: (level, checkpoint instruction, measure, days, test days).
DEFAULT_PROTOCOL = [
    ("high", "central_isolation", "central_isolation", 7, [1, 4, 7]),
    ("medium", "register_notify", "home_isolation", 7, [1, 4, 7]),
    ("low", "register_notify", "tests_only", 3, [1, 3]),
]


class ScreeningSettings(models.Model):
    """One row: the district's time limits and thresholds."""

    contact_limit_minutes = models.PositiveIntegerField(_("contact a new arrival within (minutes)"), default=120)
    fever_threshold = models.DecimalField(_("fever from (°C)"), max_digits=3, decimal_places=1, default=37.3)
    passage_retention_days = models.PositiveIntegerField(_("keep passages for (days)"), default=30)
    travel_lookback_days = models.PositiveIntegerField(_("travel history considered (days)"), default=7)
    updated_at = models.DateTimeField(default=clock.now)

    @classmethod
    def current(cls) -> ScreeningSettings:
        return _settings()

    @classmethod
    def load(cls) -> ScreeningSettings:
        """The row, or the defaults unsaved (migrate writes the row: core.defaults; a read never writes)."""
        return cls.objects.order_by("pk").first() or cls()

    @classmethod
    def ensure_defaults(cls) -> None:
        if not cls.objects.exists():
            cls.objects.create()


class RiskArea(models.Model):
    """A region named in a notice as high, medium or low risk, for a period."""

    name = models.CharField(_("region"), max_length=100)  # e.g. 上海市浦东新区
    code = models.CharField(_("area code"), max_length=12, blank=True)  # e.g. 310115; a prefix matches below it
    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    notice = models.CharField(_("notice"), max_length=200, blank=True)  # the document that set it
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-valid_from", "name"]
        indexes = [models.Index(fields=["valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


# Read on every passage; edited rarely. A change applies in this process at once (writers clear the memo) and in
# the other server processes within five seconds.
CONFIG_TTL = 5.0


@ttl_memo(CONFIG_TTL)
def _protocol() -> dict[str, Any]:
    return RiskProtocol.load()


@ttl_memo(CONFIG_TTL)
def _settings() -> ScreeningSettings:
    return ScreeningSettings.load()


@ttl_memo(CONFIG_TTL)
def risk_areas_all() -> list[RiskArea]:
    return list(RiskArea.objects.all())
