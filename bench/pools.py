#!/usr/bin/env python3
"""The pool size per grid for a new round (issue 19, point 8) at city scale: the plan over every grid of the city.

    .venv/bin/python bench/pools.py [--people 1400000] [--grids 2000] [--runs 3]
    .venv/bin/python bench/pools.py --sqlite --people 20000 --grids 1000

On PostgreSQL (`fangkong_bench_pools` is dropped and recreated), or an embedded SQLite file with `--sqlite`:
  setup — the demo city of `--people` with its communities cut into `--grids` grids (each household kept in one
          grid), and a completed round in which every resident was sampled 10 to a tube with a positivity that
          differs by grid (0.1 % to 30 %), each tube resulted: written with COPY / executemany (setup, not measured);
  plan  — testing.pool_plan.pool_plan as district HQ for a new round: every grid's last-round figures, positivity,
          suggested size and implied tubes, recalls and lab hours, with the city's totals (target ≤ 5 s on
          PostgreSQL for 1,400,000 people and 2,000 grids of ~700 people, as the district's grids are — finer
          grids of fewer than 20 pools each get the round's own size, 'too few pools to tell'); the first run
          and the median of `--runs`;
  raw   — the plan's two reads of millions of rows (the last round's samples per grid and tube; the register's
          residents per grid and household) straight through the database cursor, in the same run.
Ends with one line: RESULT name=value ... (ratio = the plan's median seconds ÷ the raw reads' seconds).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

POSITIVITY = (0.001, 0.002, 0.005, 0.01, 0.01, 0.02, 0.05, 0.1, 0.3)  # per grid, in turn


def more_grids(target: int) -> int:
    """Cut every community into enough grids that the city has about `target`, and move its residents into them
    (a household stays together)."""
    from django.db import connection

    from fangkong.registry.models import Jurisdiction, Person

    communities = list(Jurisdiction.objects.filter(level="community").order_by("path"))
    per = max(1, math.ceil(target / len(communities)))
    for c in communities:
        kept = list(Jurisdiction.objects.filter(parent=c, level="grid").order_by("code"))
        used = {g.code for g in kept}
        suffix = 0
        new = []
        while len(kept) + len(new) < per:
            suffix += 1
            code = f"{c.code}{suffix:03d}"
            if code in used:
                continue
            new.append(
                Jurisdiction(
                    code=code, name=f"压测网格{suffix}", level="grid", kind="grid", parent=c, path=f"{c.path}{code}/"
                )
            )
        Jurisdiction.objects.bulk_create(new, batch_size=1000)
        grids = [*kept, *new][:per]
        k = len(grids)
        path_case = " ".join(f"WHEN {i} THEN %s" for i in range(k))
        id_case = " ".join(f"WHEN {i} THEN %s" for i in range(k))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Person._meta.db_table} SET jpath = CASE (COALESCE(household_id, id) %% {k}) {path_case} END,"
                f" jurisdiction_id = CASE (COALESCE(household_id, id) %% {k}) {id_case} END WHERE community_id = %s",
                [*(g.path for g in grids), *(g.pk for g in grids), c.pk],
            )
    return Jurisdiction.objects.filter(level="grid").count()


def completed_round(rng: random.Random) -> tuple[int, int, int]:
    """A round two days ago: every resident sampled 10 to a tube within their grid, every tube resulted, the
    grids' positivity in turn from POSITIVITY. (round id, samples, positive tubes)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Person
    from fangkong.testing.models import Round, Sample, Site, Tube

    hq = get_user_model().objects.get(username="hq_admin")
    sampler = get_user_model().objects.get(username="sampler")
    start = clock.now() - timedelta(days=2)
    end = start + timedelta(hours=24)
    round_ = Round.objects.create(name="上一轮（压测）", pool_size=10, starts_at=start, deadline=end, created_by=hq)
    sites = {s.jpath: s.pk for s in Site.objects.all()}
    any_site = next(iter(sites.values()))
    tubes, members = [], []
    group: list[tuple[int, str, str]] = []
    positivity: dict[str, float] = {}
    positive = 0

    def close() -> None:
        nonlocal positive
        grid = group[0][1]
        p = positivity.setdefault(grid, POSITIVITY[len(positivity) % len(POSITIVITY)])
        hit = rng.random() < 1 - (1 - p) ** len(group)
        positive += hit
        code = f"PB{len(tubes):08d}"
        site = sites.get(group[0][2], any_site)
        tubes.append(
            (code, round_.pk, site, 10, len(group), False, start, start + timedelta(minutes=8),
             "positive" if hit else "negative", start + timedelta(hours=5), group[0][2])
        )  # fmt: skip
        members.extend((code, pk, site, jpath) for pk, jpath, _c in group)

    residents = Person.objects.filter(is_resident=True).order_by("jpath", "pk")
    people = residents.values_list("pk", "jpath", "community__path")
    for row in people.iterator(chunk_size=50_000):
        if group and (len(group) == 10 or group[-1][1] != row[1]):
            close()
            group = []
        group.append(row)
    if group:
        close()
    write_rows(
        Tube._meta.db_table,
        ["code", "round_id", "site_id", "pool_size", "count", "retest", "opened_at", "closed_at", "result",
         "resulted_at", "jpath"],
        tubes,
    )  # fmt: skip
    ids = dict(Tube.objects.filter(round=round_).values_list("code", "pk"))
    write_rows(
        Sample._meta.db_table,
        ["round_id", "tube_id", "person_id", "site_id", "collected_at", "recorded_by_id", "retest", "jpath"],
        ((round_.pk, ids[code], pk, site, start, sampler.pk, False, jpath) for code, pk, site, jpath in members),
    )
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("VACUUM ANALYZE testing_sample")
            c.execute("VACUUM ANALYZE testing_tube")
            c.execute("VACUUM ANALYZE registry_person")
        else:
            c.execute("ANALYZE")
    return round_.pk, len(members), positive


def raw_reads(basis_id: int) -> float:
    """The plan's two reads of millions of rows, straight through the cursor: what the database itself needs."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "SELECT jpath, result, count(*), sum(n), sum(here) FROM (SELECT s.jpath AS jpath, t.result AS result,"
            " t.count AS n, count(*) AS here FROM testing_sample s JOIN testing_tube t ON t.id = s.tube_id"
            " WHERE s.round_id = %s AND NOT s.retest GROUP BY s.jpath, s.tube_id, t.result, t.count) x"
            " GROUP BY jpath, result",
            [basis_id],
        )
        c.fetchall()
        c.execute(
            "SELECT jpath, loose, n, count(*) FROM (SELECT p.jpath AS jpath, p.household_id IS NULL AS loose,"
            " count(*) AS n FROM registry_person p WHERE p.is_resident GROUP BY p.jpath, p.household_id) x"
            " GROUP BY jpath, loose, n"
        )
        c.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--grids", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="run on an embedded SQLite file instead")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_pools"),
    )
    args = parser.parse_args()
    if args.sqlite:
        args.database_url = f"sqlite:///{tempfile.mkdtemp(prefix='fangkong-bench-')}/bench.sqlite3"
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from fangkong.site.demo import seed_demo

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"seeding {args.people:,} people …", flush=True)
        seed_demo(people=args.people)
    else:
        from common import fresh_city

        started = time.perf_counter()
        fresh_city(args.database_url, args.people)
    grids = more_grids(args.grids)
    basis_id, samples, positive = completed_round(random.Random(19))
    print(
        f"city ready in {time.perf_counter() - started:.0f} s: {grids:,} grids; last round {samples:,} samples,"
        f" {positive:,} positive pools",
        flush=True,
    )

    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.testing.pool_plan import pool_plan
    from fangkong.testing.rounds import round_create

    hq = get_user_model().objects.get(username="hq_admin")
    new = round_create(actor=hq, name="新一轮全员核酸（压测）", starts_at=clock.now(), household_places=[])
    times = []
    plan = None
    for _ in range(max(1, args.runs)):
        t = time.perf_counter()
        plan = pool_plan(user=hq, round_id=new.pk)
        times.append(time.perf_counter() - t)
    assert plan is not None and plan.basis_round is not None and plan.basis_round.pk == basis_id
    suggested = Counter(r.suggested for r in plan.grids)
    bases = Counter(str(r.basis) for r in plan.grids)
    median = statistics.median(times)
    total = plan.suggested
    print(
        f"plan: {len(plan.grids):,} grids, first {times[0]:.2f} s, median {median:.2f} s; suggested sizes"
        f" {dict(sorted(suggested.items()))} on {dict(bases)}; {total.tubes:,} tubes, {total.recalls:,.0f} recalls,"
        f" lab {total.lab_hours or 0:.1f} h at {plan.tubes_per_hour:,} tubes/h (fits {plan.fits(total)})",
        flush=True,
    )
    raw = min(raw_reads(basis_id) for _ in range(max(1, args.runs)))
    print(
        "RESULT "
        f"database={'sqlite' if args.sqlite else 'postgresql'} people={args.people} grids={len(plan.grids)} "
        f"samples={samples} plan_first_seconds={times[0]:.2f} plan_seconds={median:.2f} "
        f"raw_reads_seconds={raw:.2f} tubes={total.tubes} ratio={median / raw:.2f}"
    )


if __name__ == "__main__":
    main()
