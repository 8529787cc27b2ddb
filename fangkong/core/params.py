"""Values read from a query string or a form, as people (and crawlers, and scanners of web sites) type them.

A page reads its filters and ids through these helpers and never with int() or parse_date() directly: a value that
does not parse, or that no database column could hold (2**70), is None (the filter is not applied, the id names
nothing), never an exception and so never a 500. Where a value is required, the caller says so with a FieldError
or a 404; where a bad value deserves a sentence (a date typed into a form), use core.dates.parse_moment instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from .dates import MAX_YEAR, MIN_YEAR, parse_day, parse_moment
from .errors import FieldError

# The largest value of a bigint column (ids, counts): a larger integer overflows the query instead of matching nothing.
BIGINT_MAX = 2**63 - 1


def beyond_bigint(values) -> bool:
    """Whether any integer among `values` (a URL's path parameters) lies beyond every bigint id: it names nothing,
    and a query with it would overflow instead of matching nothing."""
    return any(isinstance(v, int) and not -BIGINT_MAX <= v <= BIGINT_MAX for v in values)


_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")  # ASCII digits only: "²".isdigit() is True but int("²") fails


def _text(params: Mapping, name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def param_int(params: Mapping, name: str, default: int | None = None) -> int | None:
    """An integer (a count, a number of days) that fits a bigint column, or `default`."""
    text = _text(params, name)
    if not _INTEGER.fullmatch(text):
        return default
    number = int(text)
    return number if -BIGINT_MAX <= number <= BIGINT_MAX else default


def param_id(params: Mapping, name: str) -> int | None:
    """A database id: a positive integer that fits a bigint column, or None."""
    number = param_int(params, name)
    return number if number is not None and number > 0 else None


def param_ids(params, name: str) -> list[int]:
    """The database ids among a repeated field (<select multiple>, checkboxes); the others are left out."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    return [number for value in values if (number := param_id({name: value}, name)) is not None]


def param_day(params: Mapping, name: str) -> date | None:
    """A calendar date (2022-05-01), or None."""
    try:
        return parse_day(name, _text(params, name))
    except FieldError:
        return None


def param_moment(params: Mapping, name: str, *, end: bool = False) -> datetime | None:
    """An aware datetime from a date (its start, or with end=True its end) or a date and time, or None."""
    try:
        return parse_moment(name, _text(params, name), end=end)
    except FieldError:
        return None


__all__ = ["BIGINT_MAX", "MAX_YEAR", "MIN_YEAR", "param_day", "param_id", "param_ids", "param_int", "param_moment"]
