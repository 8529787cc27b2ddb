#!/usr/bin/env python3
"""District set-up at city scale (issue 17): a place sheet, a staff sheet, and the duplicate scan over the register.

    .venv/bin/python bench/admin.py [--people 1400000] [--places 20000] [--staff 5000] [--duplicates 2000]

On PostgreSQL (`fangkong_bench_admin` is dropped and recreated):
  setup      — the demo city of `--people`, and `--duplicates` pairs of duplicate records among them (a second
               record of a resident: the same name, birth date and phone under another document), written with
               COPY (setup, not measured);
  places     — a `--places`-row place sheet (compounds, buildings, households in the city's grids) through
               places_import, the service behind the page, the API and `setup-district` → rows/s;
  staff      — a `--staff`-row staff sheet (accounts and their grants) through staff_import → rows/s. Each new
               account's password is hashed with Django's PBKDF2 (a million rounds), several at a time: that is
               what this figure mostly is;
  duplicates — people_duplicates as district HQ over the whole register (target ≤ 60 s), checked to find every
               pair planted;
  raw        — COPY of the register's rows into an identical table (rows/s); the duplicate scan's own GROUP BY
               straight through psycopg; `pgbench -S`.
Ends with one line: RESULT name=value ... (ratio = the duplicate scan's seconds ÷ the raw GROUP BY's seconds).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def plant_duplicates(n: int, rng: random.Random) -> int:
    """`n` residents get a second record: the same name, birth date and phone, under a passport."""
    from django.db import connection

    from fangkong.core import pii
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Person

    with connection.cursor() as c:
        c.execute("SELECT max(id) FROM registry_person")
        next_id = c.fetchone()[0] + 1
    originals = list(
        Person.objects.filter(is_resident=True, birth_date__isnull=False)
        .exclude(phone_hash="")
        .order_by("?")[:n]
        .values_list(
            "name", "phone_cipher", "phone_hash", "sex", "birth_date", "community_id", "jurisdiction_id", "jpath"
        )
    )
    columns = [
        "id", "name", "doc_type", "doc_cipher", "doc_hash", "phone_cipher", "phone_hash", "sex", "birth_date",
        "community_id", "jurisdiction_id", "jpath", "address", "is_resident", "created_at", "updated_at",
    ]  # fmt: skip
    from fangkong.core import clock

    now = clock.now()
    rows = []
    for i, (name, phone_cipher, phone_hash, sex, birth, community, where, jpath) in enumerate(originals):
        passport = f"E{rng.randrange(10**8):08d}{i}"
        rows.append(
            (next_id + i, name, "passport", pii.encrypt(passport), pii.lookup_hash(passport), phone_cipher,
             phone_hash, sex, birth, community, where, jpath, "", True, now, now)
        )  # fmt: skip
    write_rows(Person._meta.db_table, columns, rows)
    return len(rows)


def place_sheet(n: int, rng: random.Random) -> bytes:
    from fangkong.registry.models import Jurisdiction

    grids = list(Jurisdiction.objects.filter(level="grid").values_list("code", flat=True))
    lines = ["网格,小区,楼栋,户"]
    per_compound, per_building = 200, 20
    for i in range(n):
        compound, rest = divmod(i, per_compound)
        building, household = divmod(rest, per_building)
        grid = grids[compound % len(grids)]
        lines.append(f"{grid},压测小区{compound},{building + 1}号楼,{household + 101}")
    return ("\n".join(lines) + "\n").encode()


def staff_sheet(n: int) -> bytes:
    from fangkong.registry.models import Jurisdiction

    grids = list(Jurisdiction.objects.filter(level="grid").select_related("parent"))
    lines = ["用户名,姓名,所属辖区,角色,岗位所在"]
    for i in range(n):
        grid = grids[i % len(grids)]
        lines.append(f"bench_wg_{i:05d},压测网格员{i},{grid.parent.code},网格员,{grid.code}")
    return ("\n".join(lines) + "\n").encode()


def raw_group_by() -> float:
    """The duplicate scan's first grouping, straight through psycopg: what the database itself needs."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute(
            "SELECT name, birth_date, phone_hash, count(*) FROM registry_person WHERE phone_hash <> ''"
            " AND birth_date IS NOT NULL AND merged_into_id IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1"
        )
        c.fetchall()
        c.execute(
            "SELECT name, phone_hash, count(DISTINCT doc_type) FROM registry_person WHERE phone_hash <> ''"
            " AND merged_into_id IS NULL GROUP BY 1, 2 HAVING count(DISTINCT doc_type) > 1"
        )
        c.fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--places", type=int, default=20_000)
    parser.add_argument("--staff", type=int, default=5_000)
    parser.add_argument("--duplicates", type=int, default=2_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_admin"),
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("bench/admin.py measures PostgreSQL: give --database-url postgres://...")
    from common import fresh_city

    started = time.perf_counter()
    fresh_city(args.database_url, args.people)
    rng = random.Random(17)
    planted = plant_duplicates(args.duplicates, rng)
    print(f"city ready in {time.perf_counter() - started:.0f} s; {planted} duplicate records planted", flush=True)

    from django.contrib.auth import get_user_model
    from registry import pgbench_select, raw_copy_rate

    from fangkong.registry.merging import people_duplicates
    from fangkong.registry.places import places_import
    from fangkong.registry.staff_import import staff_import

    hq = get_user_model().objects.get(username="hq_admin")

    sheet = place_sheet(args.places, rng)
    t = time.perf_counter()
    placed = places_import(actor=hq, filename="places.csv", content=sheet)
    places_s = time.perf_counter() - t
    assert not placed.rejected, placed.rejected[:3]
    print(f"places: {args.places:,} rows in {places_s:.1f} s ({placed.created:,} created)", flush=True)

    sheet = staff_sheet(args.staff)
    t = time.perf_counter()
    staffed = staff_import(actor=hq, filename="staff.csv", content=sheet)
    staff_s = time.perf_counter() - t
    assert not staffed.rejected, staffed.rejected[:3]
    print(f"staff: {args.staff:,} rows in {staff_s:.1f} s ({staffed.created:,} accounts)", flush=True)

    t = time.perf_counter()
    found = people_duplicates(user=hq, limit=args.duplicates * 2)
    scan_s = time.perf_counter() - t
    planted_found = sum(1 for d in found if d.reason in ("name_birth_phone", "documents"))
    print(f"duplicates: {len(found):,} groups in {scan_s:.1f} s ({planted_found:,} of the planted kinds)", flush=True)

    raw_s = raw_group_by()
    copy_rate, _n = raw_copy_rate()
    tps = pgbench_select(args.database_url)
    print(
        "RESULT "
        f"people={args.people} places_rows_per_s={args.places / places_s:.0f} "
        f"staff_rows_per_s={args.staff / staff_s:.1f} duplicates_seconds={scan_s:.1f} duplicate_groups={len(found)} "
        f"raw_group_by_seconds={raw_s:.1f} copy_rows_per_s={copy_rate:.0f} pgbench_select_tps={tps or 0:.0f} "
        f"ratio={scan_s / raw_s:.2f}"
    )


if __name__ == "__main__":
    main()
