"""Reads for district HQ: the periods in force with the last purge of each class, and the daily counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from fangkong.core.models import AuditEvent
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for

from .classes import CLASSES, RUN_WORDS, DataClass
from .models import DailyCount, RetentionPeriod
from .services import period_days


@dataclass
class PeriodRow:
    data_class: DataClass
    days: int
    is_default: bool
    updated_at: object
    updated_by: str
    last_run: AuditEvent | None

    @property
    def last_counts(self) -> list[tuple[str, object]]:
        """What the last run did, in words (its audit event keeps the counts under their keys)."""
        fields = self.last_run.fields if self.last_run else {}
        return [(str(RUN_WORDS.get(k, k)), v) for k, v in fields.items() if k not in ("older_than", "retention_days")]


def _require(user) -> None:
    # HQ's page: outside the power it does not exist (404), like every scoped page.
    if scope_for(user, Cap.RETENTION).empty:
        raise NotFound


def retention_editable(*, user) -> bool:
    """Whether the user may change the periods: one period for the whole district, so district-wide power only."""
    return scope_for(user, Cap.RETENTION).district_wide


def periods(*, user) -> list[PeriodRow]:
    """Each class with the period in force (never creating a row: a missing one reads as the default)."""
    _require(user)
    rows = {r.data_class: r for r in RetentionPeriod.objects.select_related("updated_by")}
    out = []
    for cls in CLASSES:
        row = rows.get(cls.key)
        days = period_days(cls)
        last = AuditEvent.objects.filter(action=f"{cls.key}.purge").order_by("-at", "-id").first()
        out.append(
            PeriodRow(
                cls,
                days,
                days == cls.default_days,
                row.updated_at if row and row.updated_by_id else None,
                row.updated_by.get_username() if row and row.updated_by else "",
                last,
            )
        )
    return out


def daily_counts(
    *, user, data_class: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[DailyCount]:
    """What purged records left behind, within the user's jurisdictions."""
    scope = scope_for(user, Cap.RETENTION)
    if scope.empty:
        raise NotFound
    qs = DailyCount.objects.filter(scope.q("jpath"))
    if data_class:
        qs = qs.filter(data_class=data_class)
    if since:
        qs = qs.filter(day__gte=since)
    if until:
        qs = qs.filter(day__lte=until)
    return qs
