"""Work safety: enterprises (registry units of kind "enterprise") with their profile and licences, the
industry → supervising department matrix, checklists as data, and hazards from finding to closure (销号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.registry.models import Unit


class IndustryDepartment(models.Model):
    """三管三必须: who supervises an industry. Data the district edits."""

    industry = models.CharField(_("industry"), max_length=40, unique=True)
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "department"}
    )


class EnterpriseProfile(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="safety_profile")
    industry = models.CharField(_("industry"), max_length=40, blank=True)
    size = models.CharField(_("size"), max_length=20, blank=True)
    principal = models.CharField(_("principal (first responsible person)"), max_length=64, blank=True)
    special_risks = models.JSONField(_("special risks"), default=list, blank=True)  # hazardous_chemicals, dust …


class Licence(models.Model):
    enterprise = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("licence"), max_length=60)
    number = models.CharField(_("number"), max_length=60, blank=True)
    approved_by = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the approving department
    valid_until = models.DateField(null=True, blank=True)


class Checklist(models.Model):
    """What an inspection is walked against, in versions. An enterprise inspection offers the checklists of the
    enterprise's industry and special risks (and those for every enterprise: neither named); the State Council's
    measures are duties of governments and departments, for supervising them, never for an enterprise."""

    class Audience(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise inspections")
        SUPERVISION = "supervision", _("Supervision of governments and departments")

    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(default=1)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.ENTERPRISE)
    industries = models.JSONField(default=list, blank=True)  # labels.INDUSTRIES keys; none: any industry
    risks = models.JSONField(default=list, blank=True)  # labels.SPECIAL_RISKS keys that make it fit too
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A version the platform wrote from a built-in checklist (imported_by empty): the digest of what the built-in
    # said (checklists.content_digest), which tells a version nobody has changed since — brought up to date by the
    # next migrate — from one the district changed. A district's own version under a built-in's code: the
    # built-in's digest when the district made it (checklists.builtin_newer). Blank: no built-in concerned.
    builtin_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_version_once")]


class ChecklistItem(models.Model):
    class Severity(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR = "major", _("Major")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=20)
    text = models.TextField()
    category = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.GENERAL)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_once")]


class Hazard(models.Model):
    """A hazard (隐患), general or major, through its closed loop."""

    class Grade(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR = "major", _("Major")

    class State(models.TextChoices):
        FOUND = "found", _("Found")
        REGISTERED = "registered", _("Registered")
        ORDERED = "ordered", _("Rectification ordered")
        RECTIFYING = "rectifying", _("Rectifying")
        APPLIED = "applied", _("Acceptance applied for")
        ACCEPTED = "accepted", _("Re-inspected and accepted")
        CLOSED = "closed", _("Closed (销号)")

    enterprise = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="hazards")
    grade = models.CharField(max_length=8, choices=Grade.choices)
    description = models.TextField()
    source = models.CharField(max_length=12, default="inspection")  # inspection | self | public
    state = models.CharField(max_length=10, choices=State.choices, default=State.FOUND)
    found_at = models.DateTimeField(default=clock.now)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField(_("deadline"))
    extensions = models.PositiveSmallIntegerField(default=0)
    # Major hazards: 五落实 — responsibility, measures, funds, time limit, contingency plan.
    assurances = models.JSONField(default=dict, blank=True)
    listed = models.BooleanField(_("listed supervision (挂牌督办)"), default=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the overdue rectification / the overdue review was announced (each once; see escalation.py).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    review_notified_at = models.DateTimeField(null=True, blank=True)
    jpath = models.CharField(max_length=128)  # the enterprise's
    # The enterprise's industry, copied like its path (kept in step by profile_update): the statistics and a
    # regulator's reach by the industry matrix read it without joining two tables per hazard.
    industry = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["enterprise", "state"], name="hazard_enterprise_state"),
            models.Index(fields=["jpath"], name="hazard_jpath", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
            # The list's order (newest first): read in index order and stopped at a page, not sorted in full.
            models.Index(fields=["-found_at", "-id"], name="hazard_found"),
            # The overdue list: open hazards by deadline.
            models.Index(
                fields=["deadline"], condition=~models.Q(state__in=["accepted", "closed"]), name="hazard_open_deadline"
            ),
            # The command hall's figures under a jurisdiction: the open hazards only (years of closed ones are most
            # of the table), counted by grade, state and deadline from the index alone on PostgreSQL.
            models.Index(
                fields=["jpath"],
                name="hazard_open_jpath",
                opclasses=["varchar_pattern_ops"],
                include=["grade", "state", "deadline"],
                condition=~models.Q(state="closed"),
            ),
            # What escalation scans each run: small, whatever the number of hazards.
            models.Index(
                fields=["deadline"],
                condition=models.Q(overdue_notified_at__isnull=True) & ~models.Q(state__in=["accepted", "closed"]),
                name="hazard_to_escalate",
            ),
        ]


class HazardStep(models.Model):
    """Each transition: who, when, what they wrote (the hazard's history)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="steps")
    to = models.CharField(max_length=16)  # a state, or extended / listed / photo_before / photo_after
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)
    note = models.TextField(blank=True)
    photo = models.FileField(upload_to="hazards/%Y/%m/", blank=True)  # before / after rectification


class PublicReport(models.Model):
    """A hazard reported by the public (portal), anonymously or named. The reporter's identity is encrypted and
    shown only to designated staff, with each reveal audited; an enterprise never sees it (重奖举报隐患，保护举报人)."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFIED = "verified", _("Verified: registered as a hazard")
        REJECTED = "rejected", _("Not confirmed")

    enterprise = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("where"), max_length=200)
    description = models.TextField(_("what"))
    reported_at = models.DateTimeField(default=clock.now)
    anonymous = models.BooleanField(default=True)
    name_cipher = models.BinaryField(null=True, blank=True)
    phone_cipher = models.BinaryField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    hazard = models.OneToOneField(
        Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="public_report"
    )
    reward = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    reward_note = models.CharField(max_length=200, blank=True)
    jpath = models.CharField(max_length=128)  # the enterprise's, or the district's when unknown


class StatsFiling(models.Model):
    """An enterprise's hazard statistics for a quarter (due the 15th of the month after) or a year (due 31 January
    of the next); the figures are computed from its hazards when filed."""

    enterprise = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7)  # "2026Q3" or "2026"
    figures = models.JSONField(default=dict)
    filed_at = models.DateTimeField(default=clock.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enterprise", "period"], name="stats_once_per_period")]


class InspectionPlan(models.Model):
    """A campaign or a holiday check: enterprises assigned to inspectors."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")


class PlanAssignment(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="assignments")
    enterprise = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_enterprise_once")]


class Inspection(models.Model):
    """One inspector walks a checklist at one enterprise; signed by that inspector, each failed item becomes a
    hazard."""

    enterprise = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=clock.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The signature drawn on the phone when signing (a PNG): what the enterprise sees on the printed record. The
    # binding act is the inspector's own authenticated signing; the drawing is its visible form.
    signature = models.FileField(upload_to="signatures/%Y/%m/", blank=True)
    jpath = models.CharField(max_length=128)


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    note = models.CharField(max_length=300, blank=True)
    photo = models.FileField(upload_to="inspections/%Y/%m/", blank=True)
    hazard = models.OneToOneField(Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")]


class Accident(models.Model):
    """A production-safety accident (生产安全事故) at an enterprise. Its reports are the command module's incident
    reports (initial → follow-ups → final, with the level's time limits that district HQ configures): one record
    of the event for the duty room and for the regulator. The grade follows the State Council's regulation
    (生产安全事故报告和调查处理条例, art. 3) from the casualties and the direct economic loss."""

    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire")
        EXPLOSION = "explosion", _("Explosion")
        POISONING = "poisoning", _("Poisoning or asphyxiation")
        FALL = "fall", _("Fall from height")
        STRUCK = "struck", _("Struck by an object")
        MACHINERY = "machinery", _("Machinery")
        ELECTRIC = "electric", _("Electric shock")
        COLLAPSE = "collapse", _("Collapse")
        VEHICLE = "vehicle", _("Vehicle")
        OTHER = "other", _("Other")

    enterprise = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    incident = models.OneToOneField("incidents.Incident", on_delete=models.PROTECT, related_name="accident")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    economic_loss = models.DecimalField(  # direct economic loss, in 10,000 yuan (万元)
        _("direct economic loss (10,000 yuan)"), max_digits=12, decimal_places=2, default=0
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)  # the enterprise's

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="accident_jpath", opclasses=["varchar_pattern_ops"])]
