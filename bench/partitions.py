#!/usr/bin/env python3
"""Retention on PostgreSQL's day partitions (core.partitions) at city scale: a whole day of venue scans dropped,
against the same day deleted row by row, against the COPY that wrote it.

    .venv/bin/python bench/partitions.py [--people 1400000] [--days 31] [--scans-per-day N] [--held 2000]

The demo city of `--people` is seeded, then `--days` days of venue scans (default a quarter of the people a day:
350,000 at city scale, 10.9 M rows over 31 days; the rows stream day by day with COPY, each day timed: the raw
limit), each day in its own partition, and `--held` open confirmed cases among the people scanned (their scans are
held back by retention). Measured, in this order:

1. rows: the oldest day deleted by the row-by-row purge (core.purging.in_ranges: 10,000 ids per transaction, the
   open-case rule, the statistics' tally) — what every night cost before the partitions;
2. drop: the next day gone by `partitions.drop_before` (the held rows copied out and written back through the
   parent, the tally, DETACH + DROP) — what retention now does each night;
3. tracing: one person's scans over every partition (the co-presence query's first step), 200 people.

Needs PostgreSQL (the database is dropped and recreated). Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COLUMNS = ["venue_id", "person_id", "at", "colour", "recorded_by_id", "jpath"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--scans-per-day", type=int, default=0, help="default: a quarter of --people")
    parser.add_argument("--held", type=int, default=2000, help="open confirmed cases among the people scanned")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_partitions"),
    )
    args = parser.parse_args()
    per_day = args.scans_per_day or max(1000, args.people // 4)
    from common import fresh_city, pct

    fresh_city(args.database_url, args.people)

    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from fangkong.containment.models import Case, VenueScan
    from fangkong.containment.retention import _venue_counts
    from fangkong.core import clock, partitions
    from fangkong.core.bulk import write_rows
    from fangkong.core.purging import in_ranges, raw_delete, tally_and
    from fangkong.dataprotection.services import tally
    from fangkong.registry.models import Person, Unit

    rng = random.Random(21)
    today = clock.localdate()
    for back in range(args.days, -1, -7):  # each day's partition, as the hourly job made them when the day came
        with clock.frozen_at(clock.start_of_day(today - timedelta(days=back)) + timedelta(hours=1)):
            partitions.ensure()
    venues = list(Unit.objects.filter(kind="venue").values_list("pk", "jpath")) or [(0, "")]
    people = list(Person.objects.values_list("pk", flat=True))
    copy_seconds = []
    print(f"{args.days} days × {per_day:,} venue scans (COPY, day by day) …", flush=True)
    for back in range(args.days, 0, -1):
        start = clock.start_of_day(today - timedelta(days=back))

        def rows(start=start):
            for _ in range(per_day):
                venue, jpath = venues[rng.randrange(len(venues))]
                at = start + timedelta(seconds=rng.randrange(86400))
                yield (venue, people[rng.randrange(len(people))], at, "green", None, jpath)

        began = time.perf_counter()
        write_rows("containment_venuescan", COLUMNS, rows())
        copy_seconds.append(time.perf_counter() - began)
    held_people = rng.sample(people, min(args.held, len(people)))
    taken = set(Case.objects.filter(released_at__isnull=True).values_list("person_id", flat=True))
    Case.objects.bulk_create(
        [Case(person_id=p, jpath="", source="testing") for p in held_people if p not in taken], batch_size=2000
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE containment_venuescan")
    copy_day = sorted(copy_seconds)[len(copy_seconds) // 2]
    print(f"COPY of one day: median {copy_day:.2f} s ({per_day / copy_day:,.0f} rows/s)", flush=True)

    open_case = Q(Exists(Case.objects.filter(person_id=OuterRef("person_id"), released_at__isnull=True)))
    settle = tally_and(tally, "venue_scans", _venue_counts, lambda rows: 0)
    oldest, second = partitions.partitions("containment_venuescan")[:2]

    began = time.perf_counter()
    deleted = in_ranges(
        VenueScan.objects.filter(at__gte=oldest.lo, at__lt=oldest.hi),
        tally_and(tally, "venue_scans", _venue_counts, raw_delete),
        keep=open_case,
    )
    rows_s = time.perf_counter() - began
    print(f"rows: {deleted:,} scans of {oldest.name} deleted row by row in {rows_s:.2f} s", flush=True)

    began = time.perf_counter()
    dropped = partitions.drop_before(VenueScan, before=second.hi, keep=[open_case], settle=settle)
    drop_s = time.perf_counter() - began
    kept = VenueScan.objects.filter(at__gte=second.lo, at__lt=second.hi).count()
    print(f"drop: {second.name} gone in {drop_s:.2f} s ({dropped:,} scans, {kept} held ones written back)")

    lookups = []
    for person in rng.sample(people, 200):
        began = time.perf_counter()
        list(VenueScan.objects.filter(person_id=person).order_by("-at").values_list("venue_id", "at")[:50])
        lookups.append((time.perf_counter() - began) * 1000)
    parts = len(partitions.partitions("containment_venuescan"))
    print(f"one person's scans over {parts} partitions: p50 {pct(lookups, 50):.2f} ms, p95 {pct(lookups, 95):.2f} ms")
    print(
        f"RESULT people={args.people} scans_per_day={per_day} days={args.days} copy_day_s={copy_day:.2f} "
        f"rows_delete_s={rows_s:.2f} drop_s={drop_s:.3f} held_written_back={kept} "
        f"drop_speedup={rows_s / drop_s:.1f} person_scans_p95_ms={pct(lookups, 95):.2f} partitions={parts} "
        f"ratio={drop_s / copy_day:.3f}"
    )


if __name__ == "__main__":
    main()
