"""Dates and times as people and devices give them: ISO strings, bare dates, spreadsheet cells; always returned
timezone-aware (the district's time zone when none is given)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from . import clock
from .errors import FieldError


def parse_moment(field: str, value, *, end: bool = False) -> datetime | None:
    """A datetime from an ISO string, a date (the start, or with end=True the end, of that day) or a spreadsheet
    cell; None for an empty value. A value that is none of these is a FieldError naming `field`."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.max if end else time.min)
    else:
        text = str(value).strip()
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text[:10])
            if day is None:
                raise FieldError(field, _("Give a date (2022-05-01) or a date and time."))
            parsed = datetime.combine(day, time.max if end else time.min)
        moment = parsed
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_day(field: str, value) -> date | None:
    """A calendar date (2022-05-01) from a form or file; None when empty; otherwise a FieldError naming `field`."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        day = parse_date(str(value).strip()[:10])
    except ValueError:
        day = None
    if day is None:
        raise FieldError(field, _("Give a date (2022-05-01)."))
    return day


def period(since, until, *, days: int = 7) -> tuple[datetime, datetime]:
    """A reporting period from two optional values; by default the last `days` days up to now."""
    end = parse_moment("until", until) or clock.now()
    start = parse_moment("since", since) or end - timedelta(days=days)
    if start >= end:
        raise FieldError("since", _("The start comes before the end."))
    return start, end
