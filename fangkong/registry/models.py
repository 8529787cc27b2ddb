"""The district as data: jurisdictions down to the grid, places down to the household, units, people, roles.

Every record a worker may see carries `jpath`, the materialised path of the finest jurisdiction it belongs
to (e.g. `211103/211103005000/211103005012/21110300501203/`: each segment a jurisdiction's code). A user's scope
is a set of such paths and selectors filter with one prefix condition (core.scoping); the trailing slash keeps
`…/01/` from matching `…/010/`.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock, pii
from fangkong.core.ids import DocType
from fangkong.core.indexes import HashIndex
from fangkong.core.memo import ttl_memo


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street / town")
        COMMUNITY = "community", _("Community / village")
        GRID = "grid", _("Grid")

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        TOWN = "town", _("Town")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")
        GRID = "grid", _("Grid")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(_("path"), max_length=128, unique=True)
    # The outline, a GeoJSON Polygon or MultiPolygon in WGS-84 (registry.geo): the command hall's map.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    # Nothing referenced is ever deleted: a jurisdiction merged away or dissolved is retired from this day on
    # (registry.tree). Its records moved with it; its history keeps naming it.
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("jurisdiction")

    def __str__(self) -> str:
        return self.name

    @property
    def jpath(self) -> str:
        return self.path


class Place(models.Model):
    """Compound → building → household: where people live, and what zones (containment) are drawn over."""

    class Kind(models.TextChoices):
        COMPOUND = "compound", _("Residential compound")
        BUILDING = "building", _("Building")
        HOUSEHOLD = "household", _("Household")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="places")
    jpath = models.CharField(max_length=128)
    # A database default too: the demo's and the benchmarks' bulk writers name only the columns they fill.
    address = models.CharField(_("address"), max_length=200, blank=True, default="", db_default="")
    lon = models.FloatField(_("longitude"), null=True, blank=True)  # WGS-84, for the map (compounds)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="place_jpath_prefix", opclasses=["varchar_pattern_ops"])]
        verbose_name = _("place")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An organisation: government department, employer, school, enterprise, clinic, lab, venue …"""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Government department")
        EMPLOYER = "employer", _("Employer")
        SCHOOL = "school", _("School")
        ENTERPRISE = "enterprise", _("Enterprise")
        CLINIC = "clinic", _("Clinic / hospital")
        LAB = "lab", _("Testing laboratory")
        VENUE = "venue", _("Venue")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        PHARMACY = "pharmacy", _("Pharmacy")
        SAMPLING = "sampling", _("Sampling site")
        ISOLATION = "isolation", _("Isolation site")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="units")
    jpath = models.CharField(max_length=128, db_index=True)
    supervising_department = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_units",
        limit_choices_to={"kind": "department"},
        verbose_name=_("supervising department"),
    )
    # The unified social credit code (统一社会信用代码, GB 32100) of an enterprise, employer or school: checked.
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, default="", db_default="")
    address = models.CharField(_("address"), max_length=200, blank=True, default="", db_default="")
    lon = models.FloatField(_("longitude"), null=True, blank=True)  # WGS-84, for the map
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    # The compound or building the unit sits in, where registered: a zone is drawn over places, so a case who works
    # here drafts one over it (containment.zones.drafting).
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="units", verbose_name=_("premises")
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="unit_uscc_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A resident (or a registered non-resident). Document number and phone are encrypted at rest.

    `doc_hash` / `phone_hash` are keyed hashes for exact lookup and dedup; the clear values are obtained only
    through services.person_reveal, which checks the permission and writes an audit event.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        UNKNOWN = "", _("Unknown")

    name = models.CharField(_("name"), max_length=64, db_index=True)
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocType.choices)
    doc_cipher = models.BinaryField(editable=False)
    doc_hash = models.CharField(max_length=64, editable=False)
    phone_cipher = models.BinaryField(editable=False, null=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # Empty only for non-residents registered at a checkpoint on their way through to outside the district:
    # they belong to the district as a whole (jurisdiction = the district), seen by HQ only.
    community = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_people",
        verbose_name=_("community"),
    )
    # The finest jurisdiction: the grid when known, else the community.
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="people")
    jpath = models.CharField(max_length=128)
    household = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("household"),
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("employer / school"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_resident = models.BooleanField(_("registered resident"), default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    # A duplicate merged into another record (registry.merging) stays as a tombstone pointing to it: its document
    # still finds the person (every look-up by document follows the pointer), its id answers "merged into".
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Ended(models.TextChoices):
        MOVED_AWAY = "moved_away", _("Moved away")
        DECEASED = "deceased", _("Deceased")

    # Moved away or deceased (registry.people): no longer a resident, the record kept for its history.
    ended = models.CharField(
        _("left the register"), max_length=12, choices=Ended.choices, blank=True, default="", db_default=""
    )
    ended_on = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        constraints = [
            # Hash first: dedup looks people up by the hash alone (and so could search, see person_doc_hash).
            models.UniqueConstraint(fields=["doc_hash", "doc_type"], name="person_unique_document"),
        ]
        indexes = [
            # Exact lookups only: no "_like" twin that db_index would add on PostgreSQL.
            models.Index(fields=["phone_hash"], name="person_phone_hash"),
            # Checkpoints and testing batches look people up by the hash alone, thousands at a time.
            HashIndex(fields=["doc_hash"], name="person_doc_hash"),
            # The scope filter is `jpath LIKE 'prefix%'`: pattern ops serve it whatever the collation.
            models.Index(fields=["jpath"], name="person_jpath_prefix", opclasses=["varchar_pattern_ops"]),
            # The few tombstones, for deleting a kept person (PROTECT asks who points to it) without a scan.
            models.Index(
                fields=["merged_into"], name="person_merged_into", condition=models.Q(merged_into__isnull=False)
            ),
        ]
        verbose_name = _("person")

    def __str__(self) -> str:
        return self.name

    # Masked forms are what every page, list, export and API response shows.
    @property
    def document_masked(self) -> str:
        return pii.mask_document(pii.decrypt(self.doc_cipher))

    @property
    def phone_masked(self) -> str:
        return pii.mask_phone(pii.decrypt(self.phone_cipher))


class PersonTag(models.Model):
    class Tag(models.TextChoices):
        PUBLIC_OFFICIAL = "public_official", _("Public official")
        STUDENT = "student", _("Student")
        KEY_POPULATION = "key_population", _("Key population")
        ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
        BEDRIDDEN = "bedridden", _("Bedridden")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=32, choices=Tag.choices)

    MERGE_DROPS_COLLISIONS = True  # registry.merging: a tag both records carry is kept once

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="person_tag_unique")]
        # (tag, person): everyone with a tag in an index-only scan — testing reads the key population for every
        # batch of scans (they are tested alone).
        indexes = [models.Index(fields=["tag", "person"], name="person_tag_members")]


class RoleAssignment(models.Model):
    """A user holds a role over a jurisdiction (and everything under it) or over a unit, until `valid_until`
    (inclusive; none: until revoked). Who granted it and when is kept on the row as well as in the audit; a
    revoked assignment is deleted (the audit keeps it), an expired one stays and grants nothing
    (core.scoping.in_force)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32)
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)  # none: granted before this was kept

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jurisdiction__isnull=False) | models.Q(unit__isnull=False),
                name="role_bound_to_jurisdiction_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.jurisdiction or self.unit}"


class StaffProfile(models.Model):
    """A staff account's place in the district: its full name and the jurisdiction it belongs to (whose
    administrators see and manage it even before it holds a role), and who made it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="staff_profile"
    )
    full_name = models.CharField(_("full name"), max_length=64)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    jpath = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["jpath"], name="staffprofile_jpath", opclasses=["varchar_pattern_ops"])]


class ImportJob(models.Model):
    """A roster import: its progress for the progress bar, and its report afterwards."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    filename = models.CharField(max_length=200)
    # Kept until the job ends (done or failed), then cleared: it holds personal data in clear. What a dead worker
    # left behind is cleared by retention (the "import_files" data class, a day after the upload by default).
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(max_length=16, blank=True)  # "reading" rows, then "writing" them
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # Why it failed, as a stable word: a file error's code, "internal", or "stopped" (its worker died).
    error_code = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    started_at = models.DateTimeField(null=True)
    # Each progress report renews it: a pending or running job silent for IMPORT_JOB_STALE_MINUTES has lost its
    # worker (a server restart, a killed process) and shows as failed, to be restarted while its file is kept.
    heartbeat_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    def last_sign_of_life(self):
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def stopped(self) -> bool:
        """Pending or running, but no word from its worker for too long: the worker died."""
        if self.status not in (self.Status.PENDING, self.Status.RUNNING):
            return False
        minutes = settings.FANGKONG.get("IMPORT_JOB_STALE_MINUTES", 10)
        return self.last_sign_of_life() < clock.now() - timedelta(minutes=minutes)

    @property
    def shown_status(self) -> str:
        """The status as the page shows it: a stopped job is a failed one."""
        return self.Status.FAILED if self.stopped else self.status


@ttl_memo(60.0)
def jurisdictions_by_id() -> dict[int, Jurisdiction]:
    """Every jurisdiction by id, memoised per process: hot paths (a checkpoint registration) resolve a community
    or grid without a query. Jurisdictions change by reorganisation, rarely; a minute of staleness is harmless,
    and this process forgets at once when it changes one."""
    return {j.pk: j for j in Jurisdiction.objects.all()}


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at 2 a.m.


def new_person_code() -> str:
    return new_person_codes(1)[0]


def new_person_codes(n: int) -> list[str]:
    """n random codes: 11 characters of a 32-letter alphabet (55 bits) each. One read of the system's randomness
    for all of them, so that issuing a district's codes takes seconds; 32 letters make `byte & 31` unbiased."""
    assert len(CODE_ALPHABET) == 32
    letters = os.urandom(11 * n).translate(_CODE_TABLE).decode("ascii")
    return ["P" + letters[i : i + 11] for i in range(0, 11 * n, 11)]


_CODE_TABLE = bytes(ord(CODE_ALPHABET[b & 31]) for b in range(256))


class PersonCode(models.Model):
    """A person's own code (shown as a QR): random, so it reveals nothing and cannot be guessed. Sampling sites,
    venue doors and status scanners read it; it is an identity, so it lives with the register."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="testing_code")
    code = models.CharField(max_length=16, default=new_person_code)
    created_at = models.DateTimeField(default=clock.now)

    MERGE_DROPS_COLLISIONS = True  # registry.merging: the kept record keeps its own code; the duplicate's ends

    class Meta:
        db_table = "testing_personcode"  # born in testing (moved here without copying a row)
        constraints = [models.UniqueConstraint(fields=["code"], name="person_code_unique")]
        # Codes are looked up by equality only (a scan, a status check), thousands a second when a city is tested.
        indexes = [HashIndex(fields=["code"], name="person_code_hash")]


def new_household_code() -> str:
    return "H" + new_person_codes(1)[0][1:]


class HouseholdCode(models.Model):
    """A household's code (QR on the door or the family's phone): scanned at a site, it lists the household's
    members so that a family is sampled into one tube in one go."""

    household = models.OneToOneField(
        Place, on_delete=models.CASCADE, related_name="testing_code", limit_choices_to={"kind": "household"}
    )
    code = models.CharField(max_length=16, unique=True, default=new_household_code)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "testing_householdcode"  # born in testing (moved here without copying a row)


class ResidentCount(models.Model):
    """Residents per finest jurisdiction (`jpath`), kept in step by every write that adds, moves or turns a
    resident (registry.counts): the command hall's "expected in the round" adds up a few hundred rows instead of
    counting a city's register. `registry.counts.residents_rebuild` recomputes it (after a bulk load, a restore)."""

    jpath = models.CharField(max_length=128, unique=True)
    n = models.IntegerField(default=0)
    JPATH_SUM = "n"  # registry.tree: two places merged add up their counts
