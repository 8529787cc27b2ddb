"""Counts per day kept in step by the writes they count (core.models.DailyCount): the command hall's trends.

A module names its metrics ("testing.samples"), adds to them in the transaction of each write (`add`, `add_many`)
and registers how to recount them from its records (`register_rebuild`), which `fangkong rebuild-counts` runs after
a bulk load past the services, and a test compares with the counts kept; `trend(metric, cap)` is the hall's series
of a metric (core.hall.register_trend). Days are the district's calendar days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import clock
from .bulk import count_add
from .hall import Area, covers
from .models import DailyCount


def _day(at: datetime | date) -> date:
    return clock.localdate(at) if isinstance(at, datetime) else at


def add(metric: str, at: datetime | date, jpath: str, n: int = 1, *, shard: int = 0) -> None:
    """`n` more of `metric` on `at`'s day under `jpath` (`shard`: any number — the writer's own id — spreads
    concurrent writers over DailyCount.SHARDS rows)."""
    if n:
        count_add(
            DailyCount._meta.db_table,
            {"metric": metric, "day": _day(at), "jpath": jpath, "shard": shard % DailyCount.SHARDS},
            n,
        )


def add_many(metric: str, counts: Counter[tuple[date, str]] | dict[tuple[date, str], int], *, shard: int = 0) -> None:
    """Many keys at once ({(day, jpath): n}, a batch of ten thousand samples): one statement, the keys in order
    so that two batches never lock the same rows in opposite orders."""
    rows = sorted((k, n) for k, n in counts.items() if n)
    if not rows:
        return
    s = shard % DailyCount.SHARDS
    q = connection.ops.quote_name
    table = q(DailyCount._meta.db_table)
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
        params: list = []
        for (day, jpath), n in chunk:
            params += [metric, day, jpath, s, n]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (metric, day, jpath, shard, n) VALUES {values}"
                f" ON CONFLICT (metric, day, jpath, shard) DO UPDATE SET n = {table}.n + EXCLUDED.n",
                params,
            )


def trend(metric: str, cap: str):
    """A hall trend series (core.hall.register_trend) of `metric`: for a viewer holding `cap` over the area, its
    counts per day; None (left out) for anyone else."""

    def values(user, area: Area, first: date, last: date) -> dict[date, int] | None:
        return series(metric, area.path, first, last) if covers(user, cap, area) else None

    return values


def by_day(rows: QuerySet, field: str) -> QuerySet:
    """A recount's rows: `rows` counted per district calendar day of `field` and per jpath."""
    return (
        rows.annotate(day=TruncDate(field, tzinfo=timezone.get_default_timezone()))
        .values_list("day", "jpath")
        .annotate(n=Count("*"))
        .order_by()
    )


def series(metric: str, within: str, first: date, last: date) -> dict[date, int]:
    """{day: n} of `metric` under `within` from `first` to `last` (days with nothing are absent)."""
    rows = (
        DailyCount.objects.filter(metric=metric, day__gte=first, day__lte=last, jpath__startswith=within)
        .values_list("day")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return dict(rows)


# --- recounting ----------------------------------------------------------------------------------------------

Recount = Callable[[], Iterable[tuple[date, str, int]]]

_rebuilds: dict[str, Recount] = {}


def register_rebuild(metric: str, recount: Recount) -> None:
    """`recount()` → (day, jpath, n) rows of `metric` counted from the records themselves (grouped by the
    district's calendar day: TruncDate with the default time zone)."""
    _rebuilds[metric] = recount


def metrics() -> list[str]:
    return sorted(_rebuilds)


def rebuild(metric: str | None = None) -> dict[str, int]:
    """Replace the kept counts of `metric` (default: every registered one) with a recount, from the oldest day the
    records still hold: the days before it were counted when their records existed (retention has deleted those
    since), and are kept. {metric: rows written}. Run it while nobody writes (after a restore or a bulk load): a
    record committed during the recount can be counted twice."""
    done = {}
    for name in [metric] if metric else metrics():
        rows = [(day, jpath, n) for day, jpath, n in _rebuilds[name]() if n]
        with transaction.atomic():
            if rows:
                first = min(day for day, _jpath, _n in rows)
                DailyCount.objects.filter(metric=name, day__gte=first).delete()
            made = DailyCount.objects.bulk_create(
                (DailyCount(metric=name, day=day, jpath=jpath, n=n) for day, jpath, n in rows), batch_size=2000
            )
        done[name] = len(made)
    return done


# Other summaries kept in step by their writes (screening's ArrivalCount, the register's ResidentCount) register
# their own rebuild here too, so that one command recounts everything after a bulk load or a restore.
_summaries: dict[str, Callable[[], int]] = {}


def register_summary(name: str, rebuild_all: Callable[[], int]) -> None:
    """`rebuild_all()` replaces the summary `name` with a recount and answers the number of rows written."""
    _summaries[name] = rebuild_all


def rebuild_everything() -> dict[str, int]:
    """Every summary and every daily metric recounted from the records: {name: rows written}."""
    done = {name: fn() for name, fn in sorted(_summaries.items())}
    done.update(rebuild())
    return done
