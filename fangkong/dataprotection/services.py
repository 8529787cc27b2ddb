"""Retention: district HQ sets how long each class of personal data is kept; `fangkong purge` (daily) deletes or
anonymises what is past it and keeps its daily counts; `fangkong purge --end-of-emergency` destroys every record
of the emergency that concerns a person. Each class's run is one audit event with its counts.

Nothing here runs in one big transaction: every module walks its tables an id range at a time
(core.purging), each range committed on its own, so a city-sized purge never holds its locks for long.
"""

from __future__ import annotations

import getpass
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fangkong.core import clock, partitions
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.models import IdempotencyRecord
from fangkong.core.purging import in_ranges, raw_delete
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.models import Jurisdiction

from . import errors
from .classes import BY_KEY, CLASSES, EMERGENCY, DataClass
from .models import DailyCount, RetentionPeriod

log = logging.getLogger(__name__)


def period_days(data_class: DataClass) -> int:
    """The period in force for a class: the district's, else the default (a database restored without the seed
    rows still purges, never on a shorter period than the default)."""
    if data_class.key == "passages":
        from fangkong.screening.models import ScreeningSettings

        return ScreeningSettings.current().passage_retention_days
    row = RetentionPeriod.objects.filter(data_class=data_class.key).values_list("days", flat=True).first()
    # A period set before its class's minimum was raised (travel reports: 30, what a checkpoint looks back over)
    # counts as the minimum: the purge never deletes what the platform still reads.
    return max(row, data_class.min_days) if row is not None else data_class.default_days


def _require(actor) -> None:
    # One period for the whole district: only who holds the power over the district itself may change it.
    if not scope_for(actor, Cap.RETENTION).district_wide:
        raise Forbidden(Cap.RETENTION)


class RetentionPeriodUpdateInput(FormInput):
    """A class's new period, from the API's body (the class in the path) or the retention page's form (the class
    a hidden field beside it)."""

    days: int


@transaction.atomic
def retention_period_update(*, actor, data_class: str, days: int | str) -> RetentionPeriod:
    """Set how many days a class of personal data is kept (within the class's bounds); audited with before and
    after. Passages' period is the screening settings' and is changed there too."""
    _require(actor)
    cls = BY_KEY.get(data_class)
    if cls is None:
        raise FieldError("data_class", _("Unknown class of personal data."), code=Code.NOT_FOUND)
    try:
        value = int(str(days).strip())
    except (TypeError, ValueError):
        raise FieldError("days", _("A whole number of days."), code=Code.INVALID) from None
    if not cls.min_days <= value <= cls.max_days:
        raise FieldError(
            "days",
            _("Between %(low)d and %(high)d days.") % {"low": cls.min_days, "high": cls.max_days},
            code=Code.OUT_OF_RANGE,
        )
    before = period_days(cls)
    if cls.key == "passages":
        from fangkong.screening.protocol import settings_update

        settings_update(actor=actor, passage_retention_days=value)
    row = RetentionPeriod.objects.select_for_update().filter(data_class=cls.key).first()
    if row is None:
        row = RetentionPeriod(data_class=cls.key, days=value)
    if before != value or row.pk is None or row.days != value:
        row.days, row.updated_at, row.updated_by = value, clock.now(), actor
        row.save()
    if before != value:
        audit_record(
            actor=actor,
            action="retention.period_update",
            obj=row,
            object_repr=cls.key,
            fields={"days": {"from": before, "to": value}},
        )
    return row


# ---------------------------------------------------------------- the daily purge


def tally(data_class: str, rows: list[tuple[date, str, str, int]]) -> None:
    """Add purged records' counts to the daily counts (called inside the purge's transaction for each range)."""
    for day, jpath, what, n in rows:
        what = what[:64]
        updated = DailyCount.objects.filter(data_class=data_class, day=day, jpath=jpath, what=what).update(
            count=F("count") + n
        )
        if not updated:
            DailyCount.objects.create(data_class=data_class, day=day, jpath=jpath, what=what, count=n)


@dataclass
class ClassResult:
    key: str
    days: int
    before: datetime
    counts: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


PURGE_LOCK = 0x66616E67  # "fang": PostgreSQL advisory lock held while a purge runs


@contextmanager
def _one_at_a_time():
    """One purge at a time: a run by hand overlapping cron's would add to the same daily counts at once. On
    PostgreSQL a session advisory lock; SQLite lets one writer in at a time anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [PURGE_LOCK])
        if not cursor.fetchone()[0]:
            raise FieldError("purge", _("Another purge is running."), code=errors.Code.RUNNING)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PURGE_LOCK])


def purge_run(*, dry_run: bool = False, only: list[str] | None = None) -> list[ClassResult]:
    """Delete or anonymise, class by class, what is past its period. Each class is one audit event with its
    counts (a dry run changes and records nothing). A class that fails is logged and the others still run; the
    caller sees its error."""
    unknown = [k for k in only or [] if k not in BY_KEY]
    if unknown:
        raise FieldError("only", _("Unknown class of personal data."), code=Code.UNKNOWN_CHOICE)
    with _one_at_a_time():
        if not dry_run:
            partitions.ensure()  # today's partitions exist before anything is dropped (core.partitions)
        return _purge_classes(dry_run, only)


def _purge_classes(dry_run: bool, only: list[str] | None) -> list[ClassResult]:
    now = clock.now()
    results = []
    for cls in CLASSES:
        if only and cls.key not in only:
            continue
        days = period_days(cls)
        result = ClassResult(cls.key, days, now - timedelta(days=days))
        try:
            result.counts = cls.run(result.before, dry_run, tally)
        except Exception as exc:
            log.exception("retention: purging %s failed", cls.key)
            result.error = f"{type(exc).__name__}: {exc}"
        if not dry_run and not result.error:
            audit_record(
                actor=None,
                action=f"{cls.key}.purge",
                object_type="dataprotection.dataclass",
                object_id=cls.key,
                object_repr=cls.key,
                fields={**result.counts, "retention_days": days, "older_than": result.before.isoformat()},
            )
        results.append(result)
    return results


# ---------------------------------------------------------------- the end of the emergency


@dataclass
class EmergencyReport:
    district: str
    at: datetime
    dry_run: bool
    counts: dict[str, dict[str, int]]  # module → table → records destroyed (or, dry, to be destroyed)

    @property
    def total(self) -> int:
        return sum(n for tables in self.counts.values() for n in tables.values())

    def as_dict(self) -> dict:
        return {
            "district": self.district,
            "at": self.at.isoformat(),
            "dry_run": self.dry_run,
            "counts": self.counts,
            "total": self.total,
        }


def district_code() -> str:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("pk").values_list("code", flat=True).first()
    return root or ""


def emergency_end(*, confirm: str, dry_run: bool = False, operator: str = "") -> EmergencyReport:
    """Destroy every record of the emergency that concerns a person (module by module, see classes.EMERGENCY),
    after storing their daily counts. `confirm` must be the district's code: typed by whoever runs it, so that
    a command copied from elsewhere cannot destroy this district's data. One audit event lists what went."""
    code = district_code()
    if not code or (confirm or "").strip() != code:
        raise FieldError("confirm", _("Type the district's code to confirm."), code=errors.Code.MISMATCH)
    at = clock.now()
    counts: dict[str, dict[str, int]] = {}
    with _one_at_a_time():
        for step in EMERGENCY:
            counts[step.module] = step.destroy(dry_run=dry_run, tally=tally)
        # Stored API replies repeat what a device sent and was told (a passage's person, a scan's status).
        replies = in_ranges(IdempotencyRecord.objects.all(), raw_delete, dry_run=dry_run)
        counts["core"] = {"stored_api_replies": replies}
    report = EmergencyReport(code, at, dry_run, counts)
    if not dry_run:
        audit_record(
            actor=None,
            action="emergency.end",
            object_type="dataprotection.dataclass",
            object_id=code,
            object_repr=code,
            fields={"destroyed": counts, "total": report.total, "operator": operator or _os_user()},
            reason="end of the emergency: epidemic personal data destroyed",
        )
    return report


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return ""
