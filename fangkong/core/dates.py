"""Dates and times as people and devices give them: ISO strings, bare dates, spreadsheet cells; always returned
timezone-aware (the district's time zone when none is given)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from pydantic import AfterValidator

from . import clock
from .errors import Code, FieldError

# The years a date may name. Nothing we record is older or newer, and near the calendar's ends (year 1, 9999) adding
# a day or converting to UTC overflows: such a value is refused as input instead of failing later in a query.
MIN_YEAR, MAX_YEAR = 1900, 2999


def _in_range(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def _out_of_range(field: str) -> FieldError:
    return FieldError(
        field, _("Give a date between %(a)d and %(b)d.") % {"a": MIN_YEAR, "b": MAX_YEAR}, code=Code.OUT_OF_RANGE
    )


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
        try:
            # Well-formed but impossible values (2026-13-45, 25:00) raise ValueError rather than returning None.
            # A bare date first: parse_datetime reads one too (as midnight), which would lose end=True.
            day = parse_date(text)
            parsed = None if day else parse_datetime(text)
            if day is None and parsed is None:
                day = parse_date(text[:10])
        except ValueError:
            parsed = day = None
        if parsed is None:
            if day is None:
                raise FieldError(field, _("Give a date (2022-05-01) or a date and time."), code=Code.INVALID)
            parsed = datetime.combine(day, time.max if end else time.min)
        moment = parsed
    if not _in_range(moment):
        raise _out_of_range(field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_day(field: str, value) -> date | None:
    """A calendar date (2022-05-01) from a form or file; None when empty; otherwise a FieldError naming `field`."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        day: date | None = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = parse_date(str(value).strip()[:10])
        except ValueError:
            day = None
    if day is None:
        raise FieldError(field, _("Give a date (2022-05-01)."), code=Code.INVALID)
    if not _in_range(day):
        raise _out_of_range(field)
    return day


def period(since, until, *, days: int = 7) -> tuple[datetime, datetime]:
    """A reporting period from two optional values; by default the last `days` days up to now."""
    end = parse_moment("until", until) or clock.now()
    start = parse_moment("since", since) or end - timedelta(days=days)
    if start >= end:
        raise FieldError("since", _("The start comes before the end."), code=Code.END_BEFORE_START)
    return start, end


def aware(moment: datetime) -> datetime:
    """`moment` with a time zone: a naive value is read in the district's time zone."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# ---------------------------------------------------------------- API input types
# Pydantic accepts a datetime without an offset (and a bare date, as midnight) and hands it over naive; comparing
# it with an aware one then fails deep in a service. API schemas declare their input moments with these types:
# naive values are read in the district's time zone, and years outside MIN_YEAR..MAX_YEAR are a 422.


def _api_moment(value: datetime) -> datetime:
    if not _in_range(value):
        raise ValueError(f"a date between {MIN_YEAR} and {MAX_YEAR}")
    return aware(value)


def _api_day(value: date) -> date:
    if not _in_range(value):
        raise ValueError(f"a date between {MIN_YEAR} and {MAX_YEAR}")
    return value


def _api_clock(value: time) -> time:
    # A time of day with an offset (08:00+09:00) is turned into the district's clock time; the database keeps
    # times of day without a zone.
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    moment = datetime.combine(clock.localdate(), value).astimezone(timezone.get_default_timezone())
    return moment.time()


Moment = Annotated[datetime, AfterValidator(_api_moment)]
Day = Annotated[date, AfterValidator(_api_day)]
ClockTime = Annotated[time, AfterValidator(_api_clock)]
