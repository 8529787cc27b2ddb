"""Deleting or anonymising many rows without holding locks for minutes: id ranges, one short transaction each.

Retention (each app's retention.py) walks a table from the lowest to the highest id that its condition matches,
`step` ids at a time (10,000 unless FANGKONG["PURGE_STEP"] says otherwise). Each statement reads the primary
key's index over one bounded range plus the condition, so none touches more than `step` rows or holds its locks
for longer than that takes, and a run stopped half-way leaves whole ranges done and the rest untouched (the next
run picks up where it stopped). Deleted rows leave their daily counts behind (`Tally`), written in the same
transaction as the delete, so a count is never lost nor taken twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Expression, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate

STEP = 10_000

# (data class, [(day, jurisdiction path, what, count), ...]): what purged rows leave for the statistics.
Tally = Callable[[str, list[tuple[date, str, str, int]]], None]


def step_size() -> int:
    return int(settings.FANGKONG.get("PURGE_STEP", STEP))


def id_ranges(candidates: QuerySet) -> Iterator[tuple[int, int]]:
    """[lo, hi) id ranges of at most `step` ids covering every row of `candidates` (its lowest to highest id)."""
    bounds = candidates.order_by().aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    step = step_size()
    lo, hi = bounds["lo"], bounds["hi"]
    while lo <= hi:
        yield lo, lo + step
        lo += step


def in_ranges(
    candidates: QuerySet,
    act: Callable[[QuerySet], int],
    *,
    keep: Q | list[Q] | None = None,
    dry_run: bool = False,
) -> int:
    """Apply `act` to the rows of `candidates` that `keep` does not hold back, one id range per transaction;
    the total `act` reports. A dry run counts the rows instead and changes nothing.

    The bounds come from `candidates` alone (its condition is the indexed one: a time, a round); the rules that
    keep a row (usually NOT EXISTS sub-selects) are checked only within each range."""
    chosen = candidates
    # One NOT EXISTS per rule (not NOT (a OR b …)): PostgreSQL turns each into an anti-join on its index.
    for rule in keep if isinstance(keep, list) else [keep] if keep is not None else []:
        chosen = chosen.exclude(rule)
    if dry_run:
        return chosen.count()
    done = 0
    for lo, hi in id_ranges(candidates):
        with transaction.atomic():
            done += act(chosen.filter(pk__gte=lo, pk__lt=hi))
    return done


def raw_delete(rows: QuerySet) -> int:
    """One DELETE … WHERE <the query's condition>, without loading the rows (Django's collector would read every
    row to look for what refers to it). The caller has dealt with what refers to these rows first (set to NULL
    or deleted); a reference left over fails the statement on PostgreSQL rather than leaving it dangling."""
    return rows._raw_delete(rows.db)


def daily(rows: QuerySet, *, day: str | Expression, where: str, what: str | Expression) -> list[tuple]:
    """Counts of `rows` per (local calendar day of `day`, `where`, `what`), for a Tally. Rows without a day are
    left out (there is no day to count them under)."""
    day_expr: Any = day
    if isinstance(day, str):
        plain_date = rows.model._meta.get_field(day).get_internal_type() == "DateField"
        day_expr = F(day) if plain_date else TruncDate(day)  # a moment counts on the district's calendar day
    what_expr = F(what) if isinstance(what, str) else what
    grouped = (
        rows.order_by()
        .annotate(_day=day_expr, _where=F(where), _what=what_expr)
        .values_list("_day", "_where", "_what")
        .annotate(n=Count("*"))
    )
    return [(d, w or "", str(k or ""), n) for d, w, k, n in grouped if d is not None]


def by_day(day: str | Expression, what: str | Expression, where: str = "jpath") -> Callable[[QuerySet], list[tuple]]:
    """A counting function for tally_and: `daily` with these columns."""
    return lambda rows: daily(rows, day=day, where=where, what=what)


def tally_and(
    tally: Tally | None,
    data_class: str,
    counting: Callable[[QuerySet], list[tuple]],
    then: Callable[[QuerySet], int],
) -> Callable[[QuerySet], int]:
    """An `act` for in_ranges: count the range's rows for the statistics (when asked), then delete or anonymise
    them, in the same transaction."""

    def act(rows: QuerySet) -> int:
        if tally is not None:
            counts = counting(rows)
            if counts:
                tally(data_class, counts)
        return then(rows)

    return act


# ---------------------------------------------------------------- holds from the modules above

# What keeps a record of a lower module past its period, decided by a module above it (which the lower one may not
# import): containment keeps the samples of a person whose case is open, and the closed-loop cases a running
# status change may cite. Conditions on the purged rows (they may use OuterRef), by data class and a name (so that
# a second ready() replaces rather than adds).
_holds: dict[str, dict[str, Callable[[], Q]]] = {}


def register_hold(data_class: str, name: str, condition: Callable[[], Q]) -> None:
    _holds.setdefault(data_class, {})[name] = condition


def holds(data_class: str) -> list[Q]:
    """The registered conditions that keep rows of `data_class`: pass them as in_ranges(keep=…)."""
    return [condition() for condition in _holds.get(data_class, {}).values()]
