"""Mass nucleic-acid testing (采、送、检、报): rounds, sites, pooled tubes, bags with a chain of custody, lab
results and the recall of every member of a positive pool.

A tube belongs to one round for ever (a code reused in another round is refused). A person is sampled once per
round; a recall retest is a separate single tube. Time-based state (late stages, overdue results) is derived
from the timestamps when read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock

# Personal and household codes are the register's (registry.models); old migrations name these defaults here.
from fangkong.registry.models import Jurisdiction, Person, Place, Unit, new_household_code, new_person_code  # noqa: F401


class Round(models.Model):
    name = models.CharField(_("name"), max_length=100)
    pool_size = models.PositiveSmallIntegerField(_("people per tube"), default=10)
    starts_at = models.DateTimeField(_("starts"), default=clock.now)
    deadline = models.DateTimeField(_("deadline"))
    result_limit_hours = models.PositiveSmallIntegerField(_("result within (hours)"), default=24)  # mass screening
    result_limits = models.JSONField(_("result limits per site kind (hours)"), default=dict, blank=True)
    scope = models.ManyToManyField(Jurisdiction, blank=True, related_name="+")  # empty: the whole district
    # Compounds or buildings (sealed ones) where each tube holds one household and nobody else: a positive tube
    # then points at one family, not at ten flats to be locked down.
    household_places = models.ManyToManyField(
        Place, blank=True, related_name="+", verbose_name=_("one household per tube in")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.name

    def limit_hours(self, site_kind: str) -> int:
        """The result time limit for samples taken at a site of this kind."""
        if site_kind == SiteKind.MASS:
            return self.result_limit_hours
        return int(self.result_limits.get(site_kind, DEFAULT_RESULT_LIMITS.get(site_kind, self.result_limit_hours)))


class SiteKind(models.TextChoices):
    """Who is sampled where decides how fast the result is due."""

    MASS = "mass", _("Mass screening")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")
    HOSPITAL = "hospital", _("In- and outpatients")


# The domain brief's result time limits per group (hours); a round may set its own (Round.result_limits).
DEFAULT_RESULT_LIMITS: dict[str, int] = {SiteKind.MASS: 24, SiteKind.FEVER_CLINIC: 6, SiteKind.HOSPITAL: 12}


class Site(models.Model):
    """A sampling point, run by a sampling team (a unit whose samplers work here)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices, default=SiteKind.MASS)
    address = models.CharField(_("address"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("sampling team"))
    hours = models.CharField(_("opening hours"), max_length=64, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)  # WGS-84, for the map
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["jpath", "name"]

    def __str__(self) -> str:
        return self.name


class Bag(models.Model):
    """A sealed transport bag or box: the seal code, and who handled it when (chain of custody)."""

    seal_code = models.CharField(_("seal code"), max_length=32, unique=True)
    sealed_at = models.DateTimeField(default=clock.now)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lab = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class Tube(models.Model):
    class Result(models.TextChoices):
        NONE = "", _("No result yet")
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INVALID = "invalid", _("Invalid")

    code = models.CharField(_("tube code"), max_length=32)
    # No foreign-key constraints to the round, the site and the household, as with Sample (see there): a batch opens
    # a thousand tubes and PostgreSQL would check three references for each at commit, for nothing — the ingest has
    # just read all three. The ORM's PROTECT still refuses deleting what a tube points to.
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="tubes", db_index=False, db_constraint=False
    )  # (round, result) serves it
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="tubes", db_constraint=False
    )
    pool_size = models.PositiveSmallIntegerField()
    count = models.PositiveSmallIntegerField(default=0)  # samples in it (kept with each write, read on every scan)
    retest = models.BooleanField(default=False)  # a recall's single tube
    opened_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    bag = models.ForeignKey(Bag, null=True, blank=True, on_delete=models.PROTECT, related_name="tubes")
    result = models.CharField(max_length=8, choices=Result.choices, blank=True)
    ct = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    resulted_at = models.DateTimeField(null=True, blank=True)
    jpath = models.CharField(max_length=128)  # the site's
    household = models.ForeignKey(  # a household tube: this family only (see Round.household_places)
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        # A constraint, not unique=True: that would add a "_like" twin index nobody reads, written for every tube.
        constraints = [models.UniqueConstraint(fields=["code"], name="tube_code_unique")]
        indexes = [models.Index(fields=["round", "result"], name="tube_round_result")]

    def __str__(self) -> str:
        return self.code


class Sample(models.Model):
    """One person's swab in one tube. A city round writes a million and a half of these in hours: every index
    costs on each of them, so only the ones something reads are kept (round alone is covered by the two
    composite indexes; samples are never looked up by site or by who scanned them).

    No foreign-key constraints in the database (`db_constraint=False`): PostgreSQL checks each one per row at
    commit and locks the referenced person row (FOR KEY SHARE, a write to the person's page), which cost as much
    as storing the sample itself (measured: 0.42 → 0.28 s per 10,000 scans). The references stay sound without
    them: the ingest resolves every one in the same transaction (people and sites read, tubes locked or created),
    nothing deletes rounds, tubes, sites or people but through the ORM, and the ORM's PROTECT still refuses
    deleting anything a sample points to."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="samples", db_index=False, db_constraint=False
    )
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="samples", db_constraint=False)
    # Empty once the round is past the district's retention period (testing/retention.py): the sample still counts
    # for the round's coverage and timings, but no longer says whose it was.
    person = models.ForeignKey(Person, null=True, on_delete=models.PROTECT, related_name="samples", db_constraint=False)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    collected_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    retest = models.BooleanField(default=False)
    jpath = models.CharField(max_length=128)  # the person's, for coverage by grid

    class Meta:
        constraints = [
            # Once per round, except a recall's retest.
            models.UniqueConstraint(
                fields=["round", "person"], condition=models.Q(retest=False), name="sample_once_per_round"
            ),
        ]
        indexes = [models.Index(fields=["round", "jpath"], name="sample_round_jpath")]


class Recall(models.Model):
    """A member of a positive pool: under temporary control until a single-tube retest says otherwise. A retest
    that comes back invalid says nothing: the recall is ordered again, `retest_tube` still the invalid tube (why it
    is back) until the next retest is taken."""

    class State(models.TextChoices):
        ORDERED = "ordered", _("Retest ordered")
        SAMPLED = "sampled", _("Retest sampled")
        NEGATIVE = "negative", _("Retest negative: released")
        POSITIVE = "positive", _("Retest positive: confirmed")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="recalls")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recalls")
    source_tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="recalls")
    retest_tube = models.OneToOneField(Tube, null=True, blank=True, on_delete=models.PROTECT, related_name="recall")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ORDERED)
    jpath = models.CharField(max_length=128)  # the person's: their grid worker does the chasing
    ordered_at = models.DateTimeField(default=clock.now)
    sampled_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_tube", "person"], name="recall_once_per_member")]
        indexes = [models.Index(fields=["jpath"], name="recall_jpath_prefix", opclasses=["varchar_pattern_ops"])]


class RoundPoolSize(models.Model):
    """HQ's choice of people per tube for one grid in one round (the suggestion beside it, as it was when chosen):
    a tube opened for a resident of the grid holds this many; elsewhere the round's own size holds (pool_plan)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pool_sizes")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)  # the grid's: sampling finds the size by the resident's path
    pool_size = models.PositiveSmallIntegerField(_("people per tube"))
    suggested = models.PositiveSmallIntegerField(null=True, blank=True)  # what the plan said then
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "jurisdiction"], name="round_pool_size_once")]


class LabCapacity(models.Model):
    """What a testing laboratory (a unit of kind lab) gets through: tubes per hour, as HQ sets it on the unit
    (registry's unit form and sheet, through unit_setup). The pool plan weighs a round's tubes against the sum."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="+")
    tubes_per_hour = models.PositiveIntegerField(_("tubes per hour"))
