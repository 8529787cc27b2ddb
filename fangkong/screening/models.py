"""Inbound screening: risk areas and their protocol, checkpoints, passages, closed-loop follow-ups,
pass-without-registration requests, travel reports (离盘报备) and violations.

Time-based states (a follow-up "missed", a report "overdue") are derived from timestamps when read
(core.clock.now()), never stored, so they are right without a scheduler.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.memo import ttl_memo
from fangkong.registry.models import Jurisdiction, Person, Unit


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

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["jpath"], name="passage_jpath_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["destination_community", "at"], name="passage_destination_at"),
            models.Index(fields=["checkpoint", "at"], name="passage_checkpoint_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.checkpoint} {self.at:%Y-%m-%d %H:%M}"

    @property
    def rule_text(self) -> str:
        from .rules import describe

        return describe(self.rule, self.risk_area, self.rule_detail)


class FollowUp(models.Model):
    """A closed-loop case: an arrival from a risk area, owned by the destination community (and grid)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for contact")
        MISSED = "missed", _("Missed: not contacted in time")
        CONTACTED = "contacted", _("Contacted")
        RELEASED = "released", _("Released")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followups")
    # The arrival that opened the case; gone when passages expire (the case keeps its reason and dates).
    passage = models.OneToOneField(Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="followup")
    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    reason = models.CharField(_("reason"), max_length=300)
    community = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")  # grid if known
    jpath = models.CharField(max_length=128)
    opened_at = models.DateTimeField(default=clock.now)
    contact_due_at = models.DateTimeField(_("contact due"))
    measure_ends_at = models.DateTimeField(_("measure ends"))
    test_days = models.JSONField(_("test days"), default=list)
    contacted_at = models.DateTimeField(null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location_confirmed_at = models.DateTimeField(null=True, blank=True)
    location_note = models.CharField(_("where the person is"), max_length=200, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_note = models.CharField(_("release note"), max_length=300, blank=True)

    class Meta:
        ordering = ["contact_due_at", "id"]
        indexes = [
            models.Index(fields=["jpath"], name="followup_jpath_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["community", "opened_at"], name="followup_community_opened"),
            # Who is under closed-loop management now: testing reads the whole set for every batch of scans
            # (they are tested alone), so it is an index-only scan of the open ones, not of every follow-up ever.
            models.Index(fields=["person"], name="followup_open_person", condition=models.Q(released_at__isnull=True)),
        ]

    def state_at(self, now) -> str:
        if self.released_at:
            return self.State.RELEASED
        if self.contacted_at:
            return self.State.CONTACTED
        return self.State.MISSED if now > self.contact_due_at else self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_at(clock.now())

    @property
    def contacted_in_time(self) -> bool:
        return self.contacted_at is not None and self.contacted_at <= self.contact_due_at

    def test_dates(self):
        """(day number, date) of each scheduled test; day 1 is the day of arrival."""
        start = clock.localdate(self.opened_at)
        return [(d, start + timedelta(days=d - 1)) for d in self.test_days]


class FollowUpTest(models.Model):
    class Result(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        PENDING = "pending", _("Sampled, waiting for the result")

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="tests")
    day = models.PositiveSmallIntegerField(_("day"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    recorded_at = models.DateTimeField(default=clock.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["followup", "day"], name="followup_test_once_a_day")]


class PassRequest(models.Model):
    """Someone asked the checkpoint to let a person or vehicle through without registering (不得要求不登记放行)."""

    class Outcome(models.TextChoices):
        REFUSED = "refused", _("Refused: registered as usual")
        LET_THROUGH = "let_through", _("Let through unregistered")

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="pass_requests")
    at = models.DateTimeField(_("time"), default=clock.now)
    requester_name = models.CharField(_("who asked"), max_length=64)
    requester_unit_name = models.CharField(_("their unit"), max_length=100)
    requester_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requester_post = models.CharField(_("their post"), max_length=64, blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]


class TravelReport(models.Model):
    """A planned trip out of the city (离盘报备), to the community and the employer; officials need approval."""

    class Approval(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Waiting for the unit's approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="travel_reports")
    destination = models.CharField(_("destination"), max_length=100)
    depart_on = models.DateField(_("leaving on"))
    return_on = models.DateField(_("returning on"))
    reason = models.CharField(_("reason"), max_length=200)
    transport = models.CharField(_("transport"), max_length=64)
    # None: the traveller reported it themself on the portal (signed in with a one-time code to their phone).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=clock.now)
    jpath = models.CharField(max_length=128)  # the person's, when filed
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")  # employer
    community_ack_at = models.DateTimeField(null=True, blank=True)
    community_ack_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_ack_at = models.DateTimeField(null=True, blank=True)
    employer_ack_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-depart_on", "-id"]
        indexes = [
            models.Index(fields=["person", "depart_on"], name="travel_person_depart"),
            models.Index(fields=["jpath"], name="travel_jpath_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    @property
    def covers_leaving(self) -> bool:
        """A report counts for an exit unless it was rejected or withdrawn."""
        return self.cancelled_at is None and self.approval != self.Approval.REJECTED


class Violation(models.Model):
    """An exit seen at a checkpoint with no travel report covering it (不报备者按违反指令处理)."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("To be handled")
        EXCUSED = "excused", _("Excused")
        WARNED = "warned", _("Warned")
        REFERRED = "referred", _("Referred for discipline")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="violations")
    # The exit itself; the violation keeps when and where, so the record stands after passages expire.
    passage = models.OneToOneField(Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="violation")
    at = models.DateTimeField(_("time"), null=True)
    checkpoint = models.ForeignKey(Checkpoint, null=True, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    jpath = models.CharField(max_length=128)
    explanation = models.CharField(_("the person's explanation"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["jpath"], name="violation_jpath_prefix", opclasses=["varchar_pattern_ops"])]


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
