#!/usr/bin/env python3
"""A whole-city testing round through the bulk API, each stage timed, against raw COPY of the same rows.

    .venv/bin/python bench/testing_round.py [--people 1400000] [--clients 3] [--workers 3]
    .venv/bin/python bench/testing_round.py --sqlite --people 50000

Stages, all over HTTP to `fangkong serve` on this machine (as in production: no debug):
  codes    — (before the round, not timed) personal codes issued to every resident (POST /testing/codes:issue);
  collect  — every resident scanned into 10-in-1 tubes (closed-loop and key-population people alone), by their
             code's QR, or one in five (`--by-document`) by ID card; 10,000 scans per
             POST /testing/rounds/{id}/collections:bulk, `--clients` concurrent clients;
  close    — the last, partly filled tube of each site closed (POST /testing/tubes/{code}/close);
  bag      — closed tubes sealed in bags of up to 500 (POST /testing/bags) and received by the lab
             (POST /testing/bags/{seal}/receive);
  result   — a result for every tube, 0.1 % of pools positive, 10,000 per POST /testing/results:bulk;
  recall   — the recall orders created for the positive pools, counted.
Raw limit: COPY (PostgreSQL) or executemany (SQLite) of the very same sample rows into an identical table.
Targets (PostgreSQL, 1,400,000 people, this 2-core machine): end to end ≤ 60 s; collection ingest ≥ 40 % of raw.
Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BATCH = 10_000
BAG = 500


def post(base: str, path: str, token: str, body: dict | bytes | None = None) -> dict:
    data = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
    req = urllib.request.Request(
        f"{base}{path}", data=data, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read())


def plan_scans(round_id: int, by_document: float = 0.2):
    """Every resident, with their community's site, in tubes of ten (alone for closed-loop and key population);
    a share `by_document` shows an ID card (its number is read), the others their personal code's QR."""
    from fangkong.core import clock, pii
    from fangkong.registry.models import Person, PersonCode, PersonTag
    from fangkong.screening.models import FollowUp
    from fangkong.testing.models import Site

    site_of = {path: pk for path, pk in Site.objects.values_list("jpath", "pk")}
    alone = set(PersonTag.objects.filter(tag=PersonTag.Tag.KEY_POPULATION).values_list("person_id", flat=True))
    alone |= set(FollowUp.objects.filter(released_at__isnull=True).values_list("person_id", flat=True))
    codes = dict(PersonCode.objects.values_list("person_id", "code").iterator(chunk_size=50_000))
    every = round(1 / by_document) if by_document else 0
    now = clock.now().isoformat()
    by_site: dict[int, list[dict]] = {}
    counters: dict[int, int] = {}
    rows = (
        Person.objects.filter(is_resident=True)
        .values_list("pk", "doc_cipher", "community__path")
        .iterator(chunk_size=20_000)
    )
    for pk, cipher, community in rows:
        site = site_of[community]
        n = counters.get(site, 0)
        if pk in alone:
            tube = f"R{round_id}S{site}A{pk}"
        else:
            tube = f"R{round_id}S{site}T{n // 10:06d}"
            counters[site] = n + 1
        scan: dict = {"tube_code": tube, "site_id": site, "collected_at": now}
        if pk in codes and not (every and pk % every == 0):
            scan["person_code"] = codes[pk]
        else:
            scan["document_number"] = pii.decrypt(cipher)
        by_site.setdefault(site, []).append(scan)
    scans = [s for site in sorted(by_site) for s in by_site[site]]
    return scans


def raw_copy_samples(round_id: int) -> float:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_raw_sample")
        if connection.vendor == "postgresql":
            raw = c.cursor
            raw.execute("CREATE TABLE bench_raw_sample (LIKE testing_sample INCLUDING ALL)")
            import io

            buf = io.BytesIO()
            with raw.copy(
                f"COPY (SELECT * FROM testing_sample WHERE round_id = {int(round_id)}) TO STDOUT (FORMAT binary)"
            ) as copy:
                for chunk in copy:
                    buf.write(chunk)
            data = buf.getvalue()
            c.execute("SELECT count(*) FROM testing_sample WHERE round_id = %s", [round_id])
            n = c.fetchone()[0]
            started = time.perf_counter()
            with raw.copy("COPY bench_raw_sample FROM STDIN (FORMAT binary)") as copy:
                for i in range(0, len(data), 1 << 20):
                    copy.write(data[i : i + (1 << 20)])
            seconds = time.perf_counter() - started
        else:
            c.execute("CREATE TABLE bench_raw_sample AS SELECT * FROM testing_sample WHERE 0")
            c.execute(
                "SELECT round_id, tube_id, person_id, site_id, collected_at, recorded_by_id, retest, jpath "
                "FROM testing_sample WHERE round_id = %s",
                [round_id],
            )
            rows = c.fetchall()
            n = len(rows)
            started = time.perf_counter()
            c.executemany(
                "INSERT INTO bench_raw_sample (round_id, tube_id, person_id, site_id, collected_at, "
                "recorded_by_id, retest, jpath) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            seconds = time.perf_counter() - started
        c.execute("DROP TABLE bench_raw_sample")
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument(
        "--by-document", type=float, default=0.2, help="share of people scanned by ID card instead of their code"
    )
    parser.add_argument("--sqlite", action="store_true", help="run on an embedded SQLite file instead")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_testing"),
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database seeded by an earlier run")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fangkong-bench-")
    if args.sqlite:
        args.database_url = f"sqlite:///{tmp}/bench.sqlite3"
        args.workers = 1  # one writer at a time is SQLite's rule
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    if not args.sqlite and not args.reuse:
        from registry import recreate_database

        recreate_database(args.database_url)
    import django

    django.setup()
    from common import login, server
    from django.core.management import call_command

    from fangkong.registry.models import Jurisdiction
    from fangkong.site.demo import seed_demo
    from fangkong.testing.models import Recall, Sample, Tube

    if not args.reuse or args.sqlite:
        call_command("migrate", verbosity=0)
        print(f"seeding {args.people:,} people …", flush=True)
        seed_demo(people=args.people)
    stages: dict[str, tuple[int, float]] = {}
    print(f"server log: {tmp}/server.log", flush=True)
    with server(port=args.port, workers=args.workers, threads=1, log=Path(tmp) / "server.log", home=tmp) as base:
        hq, sampler, lab = login(base, "hq_admin"), login(base, "sampler"), login(base, "lab_staff")
        round_id = post(
            base,
            "/api/v1/testing/rounds",
            hq,
            # Ten to a tube everywhere (the demo's sealed compound would otherwise pool by household).
            {
                "name": f"bench {time.time():.0f}",
                "pool_size": 10,
                "starts_at": "2020-01-01T00:00:00+08:00",
                "household_places": [],
            },
        )["id"]
        started = time.perf_counter()
        district = Jurisdiction.objects.get(level="district").pk
        issued = post(base, "/api/v1/testing/codes:issue", hq, {"jurisdiction_id": district})["created"]
        print(f"issued {issued:,} personal codes in {time.perf_counter() - started:.1f} s (before the round)")
        started = time.perf_counter()
        scans = plan_scans(round_id, args.by_document)
        # The scanners' side, encoded before the clock starts: on this one machine the client's JSON encoding would
        # otherwise take CPU from the server it measures.
        bodies = {
            i: json.dumps({"batch_id": f"c{round_id}-{i}", "scans": scans[i : i + BATCH]}).encode()
            for i in range(0, len(scans), BATCH)
        }
        print(f"planned {len(scans):,} scans in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
        end_to_end = time.perf_counter()

        def stage(name: str, jobs, fn) -> list:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                out = list(pool.map(fn, jobs))
            seconds = time.perf_counter() - t0
            rows = sum(r if isinstance(r, int) else 1 for r in out)
            stages[name] = (rows, seconds)
            print(f"  {name:8} {rows:>10,} in {seconds:6.1f} s = {rows / seconds:>9,.0f}/s", flush=True)
            return out

        def collect(i: int) -> int:
            reply = post(base, f"/api/v1/testing/rounds/{round_id}/collections:bulk", sampler, bodies[i])
            if reply["rejected"]:
                raise SystemExit(f"rejected scans: {reply['rejected'][:3]}")
            return reply["accepted"]

        # The batches in an order where the ones in flight together come from different parts of the city, as from
        # many sites' devices at once: consecutive slices of the site-ordered list share their boundary tube, and
        # sent together they would queue on its lock (each site's device sends its own batches one after another).
        starts = list(range(0, len(scans), BATCH))
        stride = -(-len(starts) // args.clients)
        stage("collect", [starts[j] for k in range(stride) for j in range(k, len(starts), stride)], collect)
        open_tubes = list(Tube.objects.filter(round_id=round_id, closed_at__isnull=True).values_list("code", flat=True))
        stage("close", open_tubes, lambda code: post(base, f"/api/v1/testing/tubes/{code}/close", sampler) and 1)
        by_site: dict[int, list[str]] = {}
        for code, site in Tube.objects.filter(round_id=round_id).values_list("code", "site_id"):
            by_site.setdefault(site, []).append(code)
        bags = [
            (f"B{round_id}-{site}-{j}", codes[j : j + BAG])
            for site, codes in by_site.items()
            for j in range(0, len(codes), BAG)
        ]
        stage(
            "seal",
            bags,
            lambda b: post(base, "/api/v1/testing/bags", sampler, {"seal_code": b[0], "tube_codes": b[1]})["tubes"],
        )
        stage("receive", bags, lambda b: post(base, f"/api/v1/testing/bags/{b[0]}/receive", lab, {})["tubes"])
        rng = random.Random(3)
        tube_rows = list(Tube.objects.filter(round_id=round_id).values_list("code", "count"))
        results = [
            {"tube_code": code, "result": "positive" if count > 1 and rng.random() < 0.001 else "negative"}
            for code, count in tube_rows
        ]
        stage(
            "result",
            range(0, len(results), BATCH),
            lambda i: post(
                base,
                "/api/v1/testing/results:bulk",
                lab,
                {"batch_id": f"r{round_id}-{i}", "results": results[i : i + BATCH]},
            )["accepted"],
        )
        total = time.perf_counter() - end_to_end
        recalls = Recall.objects.filter(round_id=round_id).count()
    samples = Sample.objects.filter(round_id=round_id).count()
    raw = raw_copy_samples(round_id)
    collect_rate = stages["collect"][0] / stages["collect"][1]
    print(
        f"end to end {total:.1f} s; {samples:,} samples, {Tube.objects.filter(round_id=round_id).count():,} tubes, "
        f"{recalls:,} recall orders; raw insert of the samples {raw:,.0f} rows/s",
        flush=True,
    )
    parts = " ".join(f"{name}_per_s={rows / seconds:.0f}" for name, (rows, seconds) in stages.items())
    print(
        f"RESULT database={'sqlite' if args.sqlite else 'postgresql'} people={args.people} samples={samples} "
        f"by_document={args.by_document} "
        f"end_to_end_s={total:.1f} {parts} raw_insert_per_s={raw:.0f} collect_ratio={collect_rate / raw:.3f} "
        f"recalls={recalls}"
    )


if __name__ == "__main__":
    main()
