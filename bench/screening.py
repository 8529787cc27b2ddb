#!/usr/bin/env python3
"""Screening hot paths at city scale, each against the raw PostgreSQL figure from the same run.

    .venv/bin/python bench/screening.py [--people 1400000] [--passages 1000000] [--seconds 30] [--connections 16]

1. passages over HTTP: `fangkong serve` (gunicorn workers) on this machine, `wrk` with concurrent connections
   POSTing /api/v1/checkpoints/{id}/passages, each with its own Idempotency-Key: returning residents, visitors
   never seen before, and arrivals from high/medium/low-risk areas (which open closed-loop cases), in the proportions
   below. Targets: ≥ 500 registrations/s, p99 ≤ 100 ms. Raw limit: `pgbench -S` on the same server.
2. reconciliation over 1,000,000 passages: the page HQ opens (per-community arrivals and cases, the missed list),
   through Django's full stack. Target ≤ 1 s. Raw limit: COPY of the same passages into an identical table.

Needs PostgreSQL (the database is dropped and recreated) and wrk (`apt-get install wrk`).
Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MIX = [  # (share, origin)
    (0.80, "辽宁省鞍山市"),
    (0.08, "吉林省长春市朝阳区"),  # medium
    (0.06, "沈阳市和平区"),  # low
    (0.06, "上海市浦东新区"),  # high
]


def pick_origin(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for share, origin in MIX:
        acc += share
        if roll < acc:
            return origin
    return MIX[0][1]


def bodies(n: int, residents: list[tuple[str, str, int]], communities: list[int], rng: random.Random) -> list[str]:
    """Request bodies: 70 % returning residents (number, name and home community from the register, as staff type
    them off the card), 30 % first-time visitors."""
    from fangkong.core.ids import check_char

    out = []
    for i in range(n):
        if rng.random() < 0.7:
            number, name, home = rng.choice(residents)
            body = {
                "direction": "in",
                "document_number": number,
                "name": name,
                "destination_community": home,
                "origin": pick_origin(rng),
                "temperature": 36.5,
            }
        else:
            first17 = f"320102{1950 + i % 50:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
            body = {
                "direction": "in",
                "document_number": first17 + check_char(first17),
                "name": f"访客{i}",
                "origin": pick_origin(rng),
                "destination_community": rng.choice(communities),
                "phone": f"139{rng.randrange(10**8):08d}",
                "plate": f"苏A{10000 + i % 90000}",
                "temperature": 36.6,
            }
        out.append(json.dumps(body, ensure_ascii=False))
    return out


LUA = """
local bodies = dofile("%(bodies)s")
local counter = 0
local threads = {}
function setup(thread)
  -- Each wrk thread gets its own id: its keys and its share of the bodies never collide with another's.
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "%(prefix)s-" .. os.time() .. "-" .. id .. "-" .. counter
  return wrk.format(nil, "%(path)s", nil, bodies[((counter * 7 + id * 7919) %% #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("LAT p50=%%.1f p90=%%.1f p99=%%.1f max=%%.1f\\n", latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("STATUS errors=%%d non2xx=%%d\\n", summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


def passage_inputs() -> tuple[list[tuple[str, str, int]], list[int], random.Random]:
    """What `bodies` draws from: 20,000 registered residents (number, name, home community), the communities, and
    the seeded generator (bench/screening.py and bench/cluster.py send the same mix)."""
    from fangkong.core import pii
    from fangkong.registry.models import Jurisdiction, Person

    residents = [
        (pii.decrypt(c), name, home)
        for c, name, home in Person.objects.filter(is_resident=True, community__isnull=False)
        .order_by("?")
        .values_list("doc_cipher", "name", "community_id")[:20_000]
    ]
    communities = list(Jurisdiction.objects.filter(level="community").values_list("pk", flat=True))
    return residents, communities, random.Random(5)


def lua_table(items: list[str]) -> str:
    def quote(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "return {\n" + ",\n".join(quote(s) for s in items) + "\n}\n"


def http_json(url: str, body: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def bulk_passages(n: int) -> None:
    """n passages over the last 7 days, 10 % of them with a follow-up in every state, written with COPY."""
    from django.db import connection

    from fangkong.core import clock
    from fangkong.core.bulk import insert_many
    from fangkong.registry.models import Jurisdiction, Person
    from fangkong.screening.models import Checkpoint, FollowUp, Passage

    rng = random.Random(11)
    now = clock.now()
    checkpoints = list(Checkpoint.objects.values_list("pk", "jpath"))
    communities = list(Jurisdiction.objects.filter(level="community").values_list("pk", "path"))
    person_ids = list(Person.objects.order_by("?").values_list("pk", flat=True)[:200_000])
    staff = (
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="checkpoint_staff")
    )
    batch = 50_000
    for start in range(0, n, batch):
        passages, followups = [], []
        for i in range(start, min(n, start + batch)):
            cp_id, _cp_path = checkpoints[i % len(checkpoints)]
            c_id, c_path = communities[i % len(communities)]
            at = now - timedelta(seconds=rng.randrange(7 * 86400))
            risky = i % 10 == 0
            passages.append(
                Passage(
                    checkpoint_id=cp_id,
                    direction="in",
                    person_id=person_ids[i % len(person_ids)],
                    plate="",
                    origin="吉林省长春市" if risky else "辽宁省鞍山市",
                    visited=[],
                    destination_community_id=c_id,
                    destination_address="",
                    temperature=None,
                    status_code="green",
                    negative_test_48h=False,
                    at=at,
                    recorded_by_id=staff.pk,
                    instruction="register_notify" if risky else "let_pass",
                    rule="risk_area_medium" if risky else "no_risk",
                    rule_detail="",
                    jpath=c_path,
                )
            )
        insert_many(passages)
        for p in passages:
            if p.rule != "no_risk":
                state = rng.random()
                contacted = p.at + timedelta(minutes=rng.randrange(240)) if state < 0.8 else None
                followups.append(
                    FollowUp(
                        person_id=p.person_id,
                        passage_id=p.pk,
                        level="medium",
                        measure="home_isolation",
                        reason="bench",
                        community_id=p.destination_community_id,
                        jurisdiction_id=p.destination_community_id,
                        jpath=p.jpath,
                        opened_at=p.at,
                        contact_due_at=p.at + timedelta(hours=2),
                        measure_ends_at=p.at + timedelta(days=7),
                        test_days=[1, 4, 7],
                        contacted_at=contacted,
                        contacted_by_id=staff.pk if contacted else None,
                        released_at=p.at + timedelta(days=7) if contacted and p.at < now - timedelta(days=7) else None,
                    )
                )
        insert_many(followups)
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE screening_passage")
        c.execute("VACUUM ANALYZE screening_followup")


def raw_copy_passages() -> float:
    from django.db import connection

    with connection.cursor() as c:
        raw = c.cursor
        raw.execute("CREATE TABLE bench_raw_passage (LIKE screening_passage INCLUDING ALL)")
        buf = io.BytesIO()
        with raw.copy("COPY screening_passage TO STDOUT (FORMAT binary)") as copy:
            for chunk in copy:
                buf.write(chunk)
        c.execute("SELECT count(*) FROM screening_passage")
        n = c.fetchone()[0]
        data = buf.getvalue()
        started = time.perf_counter()
        with raw.copy("COPY bench_raw_passage FROM STDIN (FORMAT binary)") as copy:
            for i in range(0, len(data), 1 << 20):
                copy.write(data[i : i + (1 << 20)])
        seconds = time.perf_counter() - started
        raw.execute("DROP TABLE bench_raw_passage")
    return n / seconds


def reconciliation_times(runs: int) -> list[float]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(get_user_model().objects.get(username="hq_admin"))
    client.get("/screening/reconciliation/")  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get("/screening/reconciliation/")
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=30, help="duration of the HTTP load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="server processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per server process")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench")
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database from a previous run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed for the HTTP load: apt-get install wrk")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from common import server
    from registry import pgbench_select, recreate_database

    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.registry.models import Person
    from fangkong.screening.models import Checkpoint, Passage
    from fangkong.site.demo import seed_demo

    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"seeding {args.people:,} people …", flush=True)
        seed_demo(people=args.people)
        print(f"writing {args.passages:,} passages …", flush=True)
        started = time.perf_counter()
        bulk_passages(args.passages)
        print(f"  {time.perf_counter() - started:.1f} s", flush=True)
    from fangkong.containment.models import PersonStatus

    if PersonStatus.objects.count() < Person.objects.count() * 0.9:
        # Checkpoints read each known person's stored status (issue 14): a deployment computes them all once
        # (bench/status.py times it); a status first computed on a passage would be measured here otherwise.
        from status import fill_statuses

        filled, fill_seconds = fill_statuses()
        print(f"initial status fill: {filled:,} in {fill_seconds:.1f} s", flush=True)
    copy_rate = raw_copy_passages()
    print(f"  raw COPY of the passages into an identical table: {copy_rate:,.0f} rows/s", flush=True)

    recon = reconciliation_times(10)
    print(
        f"reconciliation page over {Passage.objects.count():,} passages: p50 {statistics.median(recon):.0f} ms, "
        f"max {max(recon):.0f} ms",
        flush=True,
    )

    residents, communities, rng = passage_inputs()
    checkpoint = Checkpoint.objects.get(unit__roleassignment__user__username="checkpoint_staff")
    log = Path(tempfile.mkdtemp(prefix="fangkong-bench-")) / "server.log"
    with server(port=args.port, workers=args.workers, threads=args.threads, log=log) as base:
        token = http_json(f"{base}/api/v1/auth/token", {"username": "checkpoint_staff", "password": "fangkong-demo"})[
            "token"
        ]
        before = Passage.objects.count()
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "bodies.lua").write_text(lua_table(bodies(50_000, residents, communities, rng)))
            script = Path(tmp) / "passages.lua"
            script.write_text(
                LUA
                % {
                    "bodies": Path(tmp) / "bodies.lua",
                    "token": token,
                    "prefix": "bench",
                    "path": f"/api/v1/checkpoints/{checkpoint.pk}/passages",
                }
            )
            # Warm-up: every worker process loads its code and opens its connection.
            subprocess.run(["wrk", "-t2", "-c4", "-d3s", "-s", str(script), base], capture_output=True, check=True)
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "-s",
                    str(script),
                    "--timeout",
                    "5s",
                    base,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        print(out, flush=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"(p50|p90|p99|max)=([\d.]+)", out))
    errors = dict(re.findall(r"(errors|non2xx)=(\d+)", out))
    written = Passage.objects.count() - before
    tps = pgbench_select(args.database_url)
    print(
        f"passages registered: {written:,} ({rps:,.0f}/s by wrk), p99 {lat['p99']} ms, errors {errors}; "
        f"pgbench -S {tps or 0:,.0f} tps",
        flush=True,
    )
    print(
        f"RESULT people={args.people} passages={args.passages} register_per_s={rps:.0f} register_p50_ms={lat['p50']} "
        f"register_p99_ms={lat['p99']} register_errors={int(errors.get('errors', 0))} "
        f"register_ratio={rps / (tps or 1):.4f} pgbench_select_tps={tps or 0:.0f} "
        f"reconciliation_ms={statistics.median(recon):.0f} reconciliation_max_ms={max(recon):.0f} "
        f"copy_passages_per_s={copy_rate:.0f}"
    )


if __name__ == "__main__":
    main()
