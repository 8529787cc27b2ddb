"""Retention periods for district HQ: read them, change one; and the daily counts purged records left behind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Router, Schema

from fangkong.core.api import ErrorOut, paginate

from . import selectors, services

router = Router(tags=["data protection"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PeriodOut(Schema):
    data_class: str
    label: str
    days: int
    counted_from: str
    default_days: int
    min_days: int
    max_days: int
    outcome: str
    held_back: str
    last_run_at: datetime | None
    last_run: dict[str, Any] | None


def _period(r: selectors.PeriodRow) -> dict:
    c = r.data_class
    return {
        "data_class": c.key,
        "label": str(c.label),
        "days": r.days,
        "counted_from": str(c.counted_from),
        "default_days": c.default_days,
        "min_days": c.min_days,
        "max_days": c.max_days,
        "outcome": str(c.outcome),
        "held_back": str(c.held_back),
        "last_run_at": r.last_run.at if r.last_run else None,
        "last_run": r.last_run.fields if r.last_run else None,
    }


@router.get("/dataprotection/retention", response={200: list[PeriodOut], **ERRORS})
def periods_get(request):
    """Each class of personal data: how many days it is kept, counted from what, what happens at the end, what is
    held back, and the counts of its last purge."""
    return [_period(r) for r in selectors.periods(user=request.user)]


@router.put("/dataprotection/retention/{data_class}", response={200: list[PeriodOut], **ERRORS})
def period_put(request, data_class: str, payload: services.RetentionPeriodUpdateInput):
    """District HQ: change how many days a class is kept (within its bounds). Audited with before and after."""
    services.retention_period_update(actor=request.user, data_class=data_class, days=payload.days)
    return [_period(r) for r in selectors.periods(user=request.user)]


class CountOut(Schema):
    data_class: str
    day: date
    jpath: str
    what: str
    count: int


class CountPage(Schema):
    items: list[CountOut]
    count: int


@router.get("/dataprotection/daily-counts", response={200: CountPage, **ERRORS})
def daily_counts(
    request,
    data_class: str = "",
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    """What purged records left for the statistics: counts per day, jurisdiction path and kind (no person)."""
    qs = selectors.daily_counts(user=request.user, data_class=data_class, since=since, until=until)
    items, count = paginate(qs, page, page_size)
    return {"items": list(items), "count": count}
