#!/usr/bin/env python3
"""Livelihood at city scale: the supply requests of a lockdown, a season of price monitoring and a district's
volunteers, read through the API as district HQ reads them.

    .venv/bin/python bench/livelihood.py [--people 1400000] [--requests-open 10000] [--prices 100000]
                                         [--volunteers 5000] [--requests 100]
    .venv/bin/python bench/livelihood.py --sqlite --people 2000 --requests-open 1000 --prices 10000 --volunteers 500

On PostgreSQL (`fangkong_bench_livelihood` is dropped and recreated) or an embedded SQLite file, with `fangkong
serve` on this machine:
  setup  — the demo city, then `--requests-open` open supply requests over its residents (a tenth urgent, one in
           twenty with a special need), `--prices` price observations over the demo's markets and goods across 60
           days, `--volunteers` accepted volunteers with two shifts each (bulk rows: setup, not measured);
  reads  — as district HQ: the open supply requests (a page of 50, special needs and the urgent first), one item's
           price chart at one market, the price cases, the volunteers (the first 500), one volunteer's shifts with
           the hours ledger, the stock points with their shortages;
  raw    — the database's own limit in the same run: the requests' page, the chart's range and the volunteers'
           list as bare SQL (the ratio is the slowest API read's p95 over its raw read).
Target (PostgreSQL, 2 cores): every read's p95 ≤ 200 ms. Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def seed(open_requests: int, prices: int, volunteers: int) -> dict:
    """Bulk rows over the demo district (setup): what the reads then find."""
    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.livelihood.models import Market, PriceItem, PriceObservation, Shift, SupplyRequest, Volunteer
    from fangkong.registry.models import Person

    rng = random.Random(20)
    hq = get_user_model().objects.get(username="hq_admin")
    now = clock.now()
    people = list(Person.objects.order_by("pk").values_list("pk", "jpath")[: open_requests + volunteers])
    needs = ["medicine", "infant", "dialysis", "bedridden"]
    rows = []
    for n, (pk, jpath) in enumerate(people[:open_requests]):
        need = needs[n % 4] if n % 20 == 0 else ""
        rows.append(
            SupplyRequest(
                person_id=pk, kind="groceries" if not need else "medicine", items="大米、鸡蛋、青菜",
                urgent=bool(need) or n % 10 == 0, need=need, jpath=jpath, created_at=now - timedelta(minutes=n % 2880),
            )
        )  # fmt: skip
    SupplyRequest.objects.bulk_create(rows, batch_size=5000)
    markets = list(Market.objects.all())
    items = list(PriceItem.objects.all())
    obs = []
    for n in range(prices):
        item = items[n % len(items)]
        obs.append(
            PriceObservation(
                market=markets[(n // len(items)) % len(markets)], item=item, by=hq,
                price=(item.baseline * Decimal(rng.randint(95, 115)) / 100).quantize(Decimal("0.01")),
                observed_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
            )
        )  # fmt: skip
        if len(obs) >= 10000:
            PriceObservation.objects.bulk_create(obs)
            obs = []
    PriceObservation.objects.bulk_create(obs)
    volunteer_rows = [
        Volunteer(person_id=pk, skills=["delivery"], availability="周末", state="accepted", jpath=jpath, decided_by=hq,
                  decided_at=now)
        for pk, jpath in people[open_requests:]
    ]  # fmt: skip
    made = Volunteer.objects.bulk_create(volunteer_rows, batch_size=5000)
    shifts = []
    for v in made:
        for k in (1, 2):
            start = now - timedelta(days=k, hours=rng.randint(0, 12))
            shifts.append(
                Shift(volunteer=v, task="delivery", jpath=v.jpath, starts_at=start, ends_at=start + timedelta(hours=3),
                      assigned_by=hq, checked_in_at=start, checked_out_at=start + timedelta(hours=3))
            )  # fmt: skip
    Shift.objects.bulk_create(shifts, batch_size=5000)
    return {"market": markets[0].pk, "item": items[0].pk, "volunteer": made[-1].pk if made else 0}


def raw_ms(sql: str, params: list, n: int) -> float:
    from django.db import connection

    best = []
    with connection.cursor() as cursor:
        for _ in range(n):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            best.append((time.perf_counter() - started) * 1000)
    return sorted(best)[len(best) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--requests-open", type=int, default=10_000)
    parser.add_argument("--prices", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--sqlite", action="store_true", help="run on an embedded SQLite file instead")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_livelihood"),
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fangkong-bench-")
    if args.sqlite:
        args.database_url = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    if not args.sqlite:
        from registry import recreate_database

        recreate_database(args.database_url)
    import django

    django.setup()
    from common import login, pct, server, timed_get
    from django.core.management import call_command
    from django.db import connection

    from fangkong.site.demo import seed_demo

    call_command("migrate", verbosity=0)
    print(f"seeding {args.people:,} people …", flush=True)
    seed_demo(people=args.people)
    started = time.perf_counter()
    ids = seed(args.requests_open, args.prices, args.volunteers)
    print(f"livelihood rows written in {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    raw_requests = raw_ms(
        "SELECT id, person_id, kind, items, urgent, need, state, created_at FROM livelihood_supplyrequest"
        " WHERE state IN ('received', 'accepted') ORDER BY need = '', urgent DESC, created_at LIMIT 50",
        [],
        20,
    )
    raw_chart = raw_ms(
        "SELECT observed_at, price FROM livelihood_priceobservation WHERE item_id = %s AND market_id = %s"
        " ORDER BY observed_at",
        [ids["item"], ids["market"]],
        20,
    )
    raw_volunteers = raw_ms(
        "SELECT v.id, p.name, v.skills, v.state FROM livelihood_volunteer v"
        " JOIN registry_person p ON p.id = v.person_id ORDER BY v.state, v.applied_at DESC LIMIT 500",
        [],
        20,
    )
    workers = 1 if args.sqlite else 2
    with server(port=args.port, workers=workers, threads=2, log=Path(tmp) / "server.log", home=tmp) as base:
        hq = login(base, "hq_admin")
        urls = {
            "requests": f"{base}/api/v1/livelihood/supply-requests?state=received&page_size=50",
            "chart": f"{base}/api/v1/price-observations?market_id={ids['market']}&item_id={ids['item']}&days=60",
            "cases": f"{base}/api/v1/price-cases",
            "volunteers": f"{base}/api/v1/livelihood/volunteers",
            "shifts": f"{base}/api/v1/volunteers/{ids['volunteer']}/shifts",
            "stock": f"{base}/api/v1/stock-points",
        }
        p95 = {}
        for name, url in urls.items():
            timed_get(url, hq, 3)
            times = timed_get(url, hq, args.requests)
            p95[name] = pct(times, 95)
            print(f"{name}: p50 {pct(times, 50):.1f} ms, p95 {p95[name]:.1f} ms", flush=True)
    print(f"raw: requests {raw_requests:.2f} ms, chart {raw_chart:.2f} ms, volunteers {raw_volunteers:.2f} ms")
    raw_of = {"requests": raw_requests, "chart": raw_chart, "volunteers": raw_volunteers}
    ratio = max(p95[k] / max(raw_of[k], 0.01) for k in raw_of)
    figures = " ".join(f"{k}_p95_ms={v:.1f}" for k, v in p95.items())
    print(
        f"RESULT database={'sqlite' if args.sqlite else 'postgresql'} people={args.people} "
        f"open_requests={args.requests_open} prices={args.prices} volunteers={args.volunteers} {figures} "
        f"raw_requests_ms={raw_requests:.2f} raw_chart_ms={raw_chart:.2f} raw_volunteers_ms={raw_volunteers:.2f} "
        f"worst_p95_ms={max(p95.values()):.1f} ratio={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
