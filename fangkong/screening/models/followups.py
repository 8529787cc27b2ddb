"""Closed-loop cases (follow-ups) of arrivals from risk areas and of a case's contacts, and their tests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction, Person

from .checkpoints import Passage
from .protocol import Measure, RiskLevel


class FollowUp(models.Model):
    """A closed-loop case, owned by the person's community (and grid): an arrival from a risk area, or a case's
    close or secondary contact (opened by containment; one loop per person however many cases they met)."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival from a risk area")
        CLOSE_CONTACT = "close_contact", _("Close contact")
        SECONDARY_CONTACT = "secondary_contact", _("Secondary contact")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for contact")
        MISSED = "missed", _("Missed: not contacted in time")
        CONTACTED = "contacted", _("Contacted")
        RELEASED = "released", _("Released")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="followups")
    # The arrival that opened the case; gone when passages expire (the case keeps its reason and dates).
    # No database constraint: passages are partitioned by day (core.partitions) and a day's partition is dropped
    # whole; Django still nulls the link when a passage is deleted, retention before it drops a day.
    passage = models.OneToOneField(
        Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="followup", db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARRIVAL)
    # How urgent the community's work is (a close contact's loop is run like a high-risk arrival's).
    level = models.CharField(_("level"), max_length=8, choices=RiskLevel.choices)
    # The measure at the end; a contact's protocol may put central isolation first, until central_until.
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    central_until = models.DateTimeField(_("central isolation until"), null=True, blank=True)
    # The reason in the district's language when the case opened; shown only once the passage has expired (while
    # it exists, the passage's rule is described in the reader's language: reason_shown).
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
    # When the hall was told that the contact deadline passed (hall.sweep_missed): once per case.
    missed_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contact_due_at", "id"]
        indexes = [
            models.Index(fields=["jpath"], name="followup_jpath_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["community", "opened_at"], name="followup_community_opened"),
            # Who is under closed-loop management now: testing reads the whole set for every batch of scans
            # (they are tested alone), so it is an index-only scan of the open ones, not of every follow-up ever.
            models.Index(fields=["person"], name="followup_open_person", condition=models.Q(released_at__isnull=True)),
            # The sweep's question every few minutes: which deadlines passed unseen since the last time.
            models.Index(
                fields=["contact_due_at"],
                name="followup_missed_unalerted",
                condition=models.Q(released_at__isnull=True, contacted_at__isnull=True, missed_alerted_at__isnull=True),
            ),
        ]

    @property
    def reason_shown(self) -> str:
        """Why the case opened, in the reader's language while the arrival that opened it is kept."""
        if self.passage_id is not None and self.passage is not None and self.passage.rule:
            return self.passage.rule_text
        return self.reason

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

    @property
    def group_label(self) -> str:
        """Whom the loop is for: an arrival's risk level (高风险 …), or the kind of contact (密接, 次密接)."""
        return self.get_level_display() if self.kind == self.Kind.ARRIVAL else self.get_kind_display()

    def measure_at(self, now) -> str:
        """The measure in force at a moment: central isolation first where the protocol says, then the last one."""
        if self.central_until is not None and now < self.central_until:
            return Measure.CENTRAL_ISOLATION
        return self.measure

    @property
    def measure_now(self) -> str:
        return self.measure_at(clock.now())

    @property
    def measure_now_label(self) -> str:
        return str(Measure(self.measure_now).label)

    @property
    def stages(self) -> list[dict]:
        """The measures one after the other with when each ends: [{"measure", "label", "until"}] — a close
        contact's 7 days central isolation then 3 at home are two; an arrival's home monitoring is one."""
        out = []
        if self.central_until is not None and self.central_until < self.measure_ends_at:
            out.append(
                {
                    "measure": Measure.CENTRAL_ISOLATION.value,
                    "label": Measure.CENTRAL_ISOLATION.label,
                    "until": self.central_until,
                }
            )
        out.append({"measure": self.measure, "label": self.get_measure_display(), "until": self.measure_ends_at})
        return out

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
