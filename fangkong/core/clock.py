"""One `now()` for all time-based state, so tests move the clock instead of sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

_offset = timedelta(0)
_frozen: datetime | None = None


def localdate(moment: datetime | None = None) -> date:
    """The district's calendar date (Asia/Shanghai) at `moment` (default: now)."""
    return timezone.localtime(moment or now()).date()


def start_of_day(day: date) -> datetime:
    """The first moment of the district's calendar `day` (midnight in Asia/Shanghai), aware."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), timezone.get_default_timezone())


def localtime(moment: datetime) -> str:
    """A moment as the district reads it: 2022-05-01 08:30."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def as_aware(value) -> datetime:
    """A timestamp read by raw SQL: PostgreSQL gives aware datetimes, SQLite gives text (stored in UTC)."""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a timestamp: {value!r}")
        value = parsed
    if timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Tests: pin now() to `moment` (timezone-aware) inside the block."""
    global _frozen
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs a timezone-aware datetime")
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


@contextlib.contextmanager
def advanced(delta: timedelta) -> Iterator[None]:
    """Tests: move now() forward by `delta` inside the block."""
    global _offset
    previous, _offset = _offset, _offset + delta
    try:
        yield
    finally:
        _offset = previous
