#!/usr/bin/env python3
"""Registry hot paths at city scale, each against the raw PostgreSQL figure from the same run.

    .venv/bin/python bench/registry.py [--people 1400000] [--import-rows 100000] [--requests 300]

1. seed:   `fangkong seed-demo --people N` into a fresh database → residents/s;
           raw limit: COPY of the very same registry_person rows into an identical table (same indexes).
2. import: a 100,000-row .xlsx roster imported through people_import (the service behind the page, the API and
           the command) → rows/s; target ≥ 5,000 rows/s; same raw COPY figure as the denominator.
3. list:   the people-list page (HTML, through Django's full middleware stack) for HQ, a street officer and a grid
           worker, first and deeper pages, and name searches → p95 ms; target ≤ 200 ms;
           raw limit: the same SQL the page runs (count + page) straight through psycopg, p95; and `pgbench -S`.

Ends with one line: RESULT name=value ...  (ratios are ours ÷ raw for throughput, ours ÷ raw for latency).
Needs PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/fangkong_bench, which is dropped and
recreated) and pgbench on PATH for the pgbench figure.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def raw_copy_rate() -> tuple[float, int]:
    """COPY the seeded people out, then into an identical table: the database's own ingest limit for these rows."""
    from django.db import connection

    with connection.cursor() as c:
        raw = c.cursor
        raw.execute("DROP TABLE IF EXISTS bench_raw_person")
        raw.execute("CREATE TABLE bench_raw_person (LIKE registry_person INCLUDING ALL)")
        buf = io.BytesIO()
        with raw.copy("COPY registry_person TO STDOUT (FORMAT binary)") as copy:
            for chunk in copy:
                buf.write(chunk)
        data = buf.getvalue()
        c.execute("SELECT count(*) FROM registry_person")
        n = c.fetchone()[0]
        started = time.perf_counter()
        with raw.copy("COPY bench_raw_person FROM STDIN (FORMAT binary)") as copy:
            for i in range(0, len(data), 1 << 20):
                copy.write(data[i : i + (1 << 20)])
        seconds = time.perf_counter() - started
        raw.execute("DROP TABLE bench_raw_person")
    return n / seconds, n


def make_roster(rows: int, communities: list[str]) -> bytes:
    from openpyxl import Workbook

    from fangkong.core.ids import check_char

    book = Workbook(write_only=True)
    sheet = book.create_sheet("roster")
    sheet.append(["姓名", "证件类型", "证件号码", "手机号", "社区", "网格", "住址"])
    rng = random.Random(7)
    first_day = date(1950, 1, 1)
    for i in range(rows):
        # Area 211102 (another district): these numbers are new to the seeded register; unique by (day, seq).
        day, seq = first_day + timedelta(days=i % 20_000), i // 20_000
        first17 = f"211102{day:%Y%m%d}{seq:03d}"
        sheet.append(
            [
                "导入" + str(i),
                "居民身份证",
                first17 + check_char(first17),
                f"13{rng.randrange(10**9):09d}",
                communities[i % len(communities)],
                "",
                "测试地址",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bench_import(rows: int) -> tuple[float, dict]:
    from django.contrib.auth import get_user_model

    from fangkong.registry.importing import people_import
    from fangkong.registry.models import Jurisdiction

    communities = list(Jurisdiction.objects.filter(level="community").values_list("code", flat=True))
    content = make_roster(rows, communities)
    hq = get_user_model().objects.get(username="hq_admin")
    started = time.perf_counter()
    result = people_import(actor=hq, filename="bench.xlsx", content=content)
    seconds = time.perf_counter() - started
    assert result.created == rows, result.as_dict() if len(result.rejected) < 5 else result.rejected[:5]
    # Importing the same file again must change nothing; its speed is reported too.
    started = time.perf_counter()
    again = people_import(actor=hq, filename="bench.xlsx", content=content)
    again_seconds = time.perf_counter() - started
    assert again.unchanged == rows
    return rows / seconds, {"import_seconds": seconds, "reimport_rows_per_s": rows / again_seconds}


def bench_list(requests: int) -> tuple[list[float], list[float]]:
    """p95 of page latency and of the same SQL run raw."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    urls = ["/people/", "/people/?page=2", "/people/?page=40", "/people/?q=王", "/people/?q=张伟"]
    page_times: list[float] = []
    raw_times: list[float] = []
    captured: list[str] = []
    for username in ("hq_admin", "street_officer", "grid_worker_a"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
        client.force_login(
            __import__("django.contrib.auth", fromlist=["get_user_model"])
            .get_user_model()
            .objects.get(username=username)
        )
        for url in urls:  # warm-up: first touch of each plan
            client.get(url)
        for i in range(requests // 3):
            url = urls[i % len(urls)]
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                r = client.get(url)
                page_times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, (username, url, r.status_code)
            if i < len(urls):
                captured.extend(
                    q["sql"] for q in ctx.captured_queries if "registry_person" in q["sql"] and "FROM" in q["sql"]
                )
    with connection.cursor() as c:
        for _ in range(3):
            for sql in captured:
                started = time.perf_counter()
                c.execute(sql)
                c.fetchall()
                raw_times.append((time.perf_counter() - started) * 1000)
    return page_times, raw_times


def pgbench_select(url: str) -> float | None:
    if not shutil.which("pgbench"):
        return None
    env = {**os.environ}
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", url], check=True, capture_output=True, env=env)
    out = subprocess.run(
        ["pgbench", "-S", "-c", "2", "-j", "2", "-T", "10", url], check=True, capture_output=True, text=True, env=env
    ).stdout
    subprocess.run(["pgbench", "-i", "-I", "d", url], capture_output=True, env=env)  # drop its tables
    match = re.search(r"tps = ([\d.]+)", out)
    return float(match.group(1)) if match else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench")
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("bench/registry.py measures PostgreSQL: give --database-url postgres://...")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    recreate_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.registry.seeding import seed_demo

    call_command("migrate", verbosity=0)
    print(f"seeding {args.people:,} people …", flush=True)
    report = seed_demo(people=args.people)
    seed_rate = report.people / report.seconds
    print(f"  seed: {report.seconds:.1f} s, {seed_rate:,.0f} rows/s", flush=True)
    copy_rate, n = raw_copy_rate()
    print(f"  raw COPY of the same {n:,} rows into an identical table: {copy_rate:,.0f} rows/s", flush=True)

    print(f"importing a {args.import_rows:,}-row .xlsx …", flush=True)
    import_rate, extra = bench_import(args.import_rows)
    print(
        f"  import: {extra['import_seconds']:.1f} s, {import_rate:,.0f} rows/s "
        f"(re-import, all unchanged: {extra['reimport_rows_per_s']:,.0f} rows/s)",
        flush=True,
    )

    print(f"people list, {args.requests} requests …", flush=True)
    from django.db import connection

    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE registry_person")  # as after any large import; autovacuum would do it too
    page_times, raw_times = bench_list(args.requests)
    list_p95, raw_p95 = p95(page_times), p95(raw_times)
    print(
        f"  page p50 {statistics.median(page_times):.1f} ms, p95 {list_p95:.1f} ms; "
        f"the same SQL raw: p95 {raw_p95:.1f} ms",
        flush=True,
    )
    tps = pgbench_select(args.database_url)
    if tps:
        print(f"  pgbench -S (2 clients): {tps:,.0f} tps", flush=True)

    print(
        f"RESULT people={report.people} seed_rows_per_s={seed_rate:.0f} copy_rows_per_s={copy_rate:.0f} "
        f"seed_ratio={seed_rate / copy_rate:.3f} seed_seconds={report.seconds:.1f} "
        f"import_rows_per_s={import_rate:.0f} import_ratio={import_rate / copy_rate:.3f} "
        f"list_p95_ms={list_p95:.1f} raw_sql_p95_ms={raw_p95:.1f} list_ratio={list_p95 / max(raw_p95, 1e-6):.2f} "
        f"pgbench_select_tps={tps or 0:.0f}"
    )


if __name__ == "__main__":
    main()
