"""Enterprises file their hazard statistics each quarter (by the 15th of the next month) and each year (by
31 January); the figures come from their own hazards; late and missing filings are read from the clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, unit_ids_for

from .hazards import enterprises_visible
from .models import Hazard, StatsFiling

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


def period_bounds(period: str) -> tuple[date, date, datetime]:
    """First day, day after the last, and the due moment of "2026Q3" or "2026"."""
    m = PERIOD.match(period or "")
    if not m:
        raise FieldError("period", _("A quarter like 2026Q3 or a year like 2026."))
    year, quarter = int(m.group(1)), m.group(2)
    tz = timezone.get_default_timezone()
    if quarter:
        q = int(quarter)
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        due_day = date(end.year, end.month, 15)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        due_day = date(year + 1, 1, 31)
    return start, end, timezone.make_aware(datetime.combine(due_day, time(23, 59)), tz)


def _figures(enterprise_id: int, start: date, end: date) -> dict[str, int]:
    tz = timezone.get_default_timezone()
    a = timezone.make_aware(datetime.combine(start, time(0, 0)), tz)
    b = timezone.make_aware(datetime.combine(end, time(0, 0)), tz)
    row = Hazard.objects.filter(enterprise_id=enterprise_id).aggregate(
        found=Count("id", filter=Q(found_at__gte=a, found_at__lt=b)),
        major=Count("id", filter=Q(found_at__gte=a, found_at__lt=b, grade="major")),
        closed=Count("id", filter=Q(closed_at__gte=a, closed_at__lt=b)),
        open_at_end=Count("id", filter=Q(found_at__lt=b) & (Q(closed_at__isnull=True) | Q(closed_at__gte=b))),
    )
    return {k: int(v or 0) for k, v in row.items()}


def stats_file(*, actor, period: str, enterprise_id: int | None = None) -> StatsFiling:
    own = unit_ids_for(actor, Cap.SAFETY_SELF)
    if not own:
        raise Forbidden(Cap.SAFETY_SELF)
    enterprise_id = enterprise_id or min(own)
    if enterprise_id not in own:
        raise Forbidden(Cap.SAFETY_SELF)
    start, end, due = period_bounds(period)
    if clock.localdate() < end:
        raise FieldError("period", _("A period is filed once it has ended."))
    try:
        with transaction.atomic():
            filing = StatsFiling.objects.create(
                enterprise_id=enterprise_id,
                period=period,
                figures=_figures(enterprise_id, start, end),
                filed_by=actor,
                due_at=due,
            )
            audit_record(
                actor=actor,
                action="safety.stats_file",
                obj=filing,
                fields={"period": period, "late": filing.filed_at > due},
            )
    except IntegrityError as exc:
        raise FieldError("period", _("This period's statistics were filed already.")) from exc
    return filing


@dataclass
class FilingState:
    enterprise_id: int
    name: str
    filed: bool
    late: bool
    missing: bool  # due and not filed


def stats_overview(*, user, period: str) -> list[FilingState]:
    """For regulators and HQ: who filed, who filed late, who is missing (once due)."""
    _start, _end, due = period_bounds(period)
    now = clock.now()
    enterprises = list(enterprises_visible(user=user).values_list("pk", "name"))
    filings = {
        f.enterprise_id: f
        for f in StatsFiling.objects.filter(period=period, enterprise_id__in=[pk for pk, _n in enterprises])
    }
    return [
        FilingState(
            enterprise_id=pk,
            name=name,
            filed=pk in filings,
            late=pk in filings and filings[pk].filed_at > due,
            missing=pk not in filings and now > due,
        )
        for pk, name in enterprises
    ]
