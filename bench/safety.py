#!/usr/bin/env python3
"""Work safety at scale: the hazard list and the statistics over 20,000 enterprises and 200,000 hazards.

    .venv/bin/python bench/safety.py [--people 1400000] [--enterprises 20000] [--hazards 200000] [--requests 200]

On PostgreSQL (`fangkong_bench_safety` is dropped and recreated) with `fangkong serve` on this machine:
  setup      — the demo city, plus `--enterprises` enterprises across its communities (supervised by the demo
               regulator's department) and `--hazards` hazards spread over them in every state (COPY: setup);
  list       — GET /api/v1/safety/hazards (first page, with the count) as district HQ and as the regulator;
  statistics — GET /api/v1/safety/hazards/statistics (by grade and state, street, industry; rate; overdue) as HQ;
  overdue    — GET /api/v1/safety/hazards/overdue (first page of the overdue list, with its count) as HQ;
  export     — GET /api/v1/safety/hazards/statistics.xlsx (figures and the oldest 20,000 overdue), 3 times;
  raw        — `pgbench -S` in the same run.
Target (2 cores): p95 ≤ 200 ms each. Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def seed(enterprises: int, hazards: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Jurisdiction, RoleAssignment, Unit
    from fangkong.safety.models import EnterpriseProfile, Hazard

    rng = random.Random(11)
    regulator = RoleAssignment.objects.select_related("unit").get(user__username="safety_regulator")
    communities = list(Jurisdiction.objects.filter(level="community").values_list("pk", "path"))
    units = Unit.objects.bulk_create(
        Unit(
            kind="enterprise",
            name=f"企业{i:05d}有限公司",
            code=f"BENCH-E{i:05d}",
            jurisdiction_id=(c := rng.choice(communities))[0],
            jpath=c[1],
            supervising_department=regulator.unit,
        )
        for i in range(enterprises)
    )
    industries = {u.pk: rng.choice(["危险化学品", "建筑施工", "冷库（涉氨制冷）", "城镇燃气"]) for u in units}
    EnterpriseProfile.objects.bulk_create(EnterpriseProfile(unit=u, industry=industries[u.pk]) for u in units)
    inspector = get_user_model().objects.get(username="safety_regulator")
    now = clock.now()
    states = [s for s, _l in Hazard.State.choices]

    def rows():
        for i in range(hazards):
            u = units[i % len(units)]
            state = rng.choice(states)
            found = now - timedelta(days=rng.randrange(0, 365))
            yield (
                u.pk,
                rng.choice(["general", "general", "general", "major"]),
                f"隐患 {i}",
                "inspection",
                state,
                found,
                inspector.pk,
                found + timedelta(days=rng.randrange(3, 60)),
                0,
                "{}",
                False,
                found + timedelta(days=20) if state == "closed" else None,
                u.jpath,
                industries[u.pk],
            )

    write_rows(
        Hazard._meta.db_table,
        [
            "enterprise_id",
            "grade",
            "description",
            "source",
            "state",
            "found_at",
            "found_by_id",
            "deadline",
            "extensions",
            "assurances",
            "listed",
            "closed_at",
            "jpath",
            "industry",
        ],
        rows(),
    )
    with connection.cursor() as c:
        c.execute("ANALYZE safety_hazard; ANALYZE registry_unit; ANALYZE safety_enterpriseprofile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--hazards", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8127)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_safety"),
    )
    args = parser.parse_args()
    from common import fresh_city, login, pct, server, timed_get
    from registry import pgbench_select

    fresh_city(args.database_url, args.people)
    seed(args.enterprises, args.hazards)
    print(f"{args.enterprises:,} enterprises, {args.hazards:,} hazards", flush=True)
    pgbench_tps = pgbench_select(args.database_url)
    tmp = tempfile.mkdtemp(prefix="fangkong-bench-")
    with server(port=args.port, workers=2, threads=2, log=Path(tmp) / "server.log", home=tmp) as base:
        hq, reg = login(base, "hq_admin"), login(base, "safety_regulator")
        timed_get(f"{base}/api/v1/safety/hazards", hq, 5)
        list_hq = timed_get(f"{base}/api/v1/safety/hazards", hq, args.requests)
        list_reg = timed_get(f"{base}/api/v1/safety/hazards?state=rectifying", reg, args.requests)
        timed_get(f"{base}/api/v1/safety/hazards/statistics", hq, 3)
        stats = timed_get(f"{base}/api/v1/safety/hazards/statistics", hq, args.requests)
        overdue = timed_get(f"{base}/api/v1/safety/hazards/overdue", hq, args.requests)
        export = timed_get(f"{base}/api/v1/safety/hazards/statistics.xlsx", hq, 3)
    l95, r95, s95, o95 = pct(list_hq, 95), pct(list_reg, 95), pct(stats, 95), pct(overdue, 95)
    print(f"hazard list (HQ): p50 {pct(list_hq, 50):.1f} ms, p95 {l95:.1f} ms; regulator, one state: p95 {r95:.1f} ms")
    print(f"statistics: p50 {pct(stats, 50):.1f} ms, p95 {s95:.1f} ms; overdue list p95 {o95:.1f} ms")
    print(f"workbook export: {max(export) / 1000:.1f} s at worst of 3")
    print(
        f"RESULT people={args.people} enterprises={args.enterprises} hazards={args.hazards} list_p95_ms={l95:.1f} "
        f"list_regulator_p95_ms={r95:.1f} statistics_p95_ms={s95:.1f} overdue_p95_ms={o95:.1f} "
        f"export_s={max(export) / 1000:.1f} pgbench_select_tps={pgbench_tps or 0:.0f}"
    )


if __name__ == "__main__":
    main()
