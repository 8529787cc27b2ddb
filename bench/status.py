#!/usr/bin/env python3
"""The status service under load, and the recompute after sealing a large zone.

    .venv/bin/python bench/status.py [--people 1400000] [--zone-people 50000] [--seconds 20]

On PostgreSQL (the database `fangkong_bench_status` is dropped and recreated), with `fangkong serve` on this
machine (as in production: no debug):
  setup    — a city of `--people`, personal codes issued to everyone, every status computed once (timed and
             reported: the initial fill a deployment does once);
  lookups  — `GET /api/v1/status/{code}` for random residents' codes by `wrk` (`--connections` concurrent), each
             request from one of `--devices` scanner tokens in turn (the per-device rate limit stays in force);
             requests per second and p99 latency;
  raw      — `pgbench -S` (select-only, the database's own limit for one-row look-ups) in the same run;
  zone     — HQ proposes a sealed zone over whole communities holding about `--zone-people` people, a second
             officer approves it: the approval request recomputes and stores every status inside.
Targets (2 cores): ≥ 3,000 look-ups/s at p99 ≤ 50 ms; the zone's recompute ≤ 5 s for 50,000 people.
Needs wrk (`apt-get install wrk`) and pgbench. Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The requests are built once per wrk thread: the client shares this machine's two cores with the server, and
# should spend as little of them as it can.
LUA = """
local tokens = {%(tokens)s}
local codes = {%(codes)s}
local built = {}
local counter = 0
init = function(args)
  for i = 1, #codes do
    local headers = {["Authorization"] = "Bearer " .. tokens[(i %% #tokens) + 1]}
    built[i] = wrk.format("GET", "/api/v1/status/" .. codes[i], headers)
  end
end
request = function()
  counter = counter + 1
  return built[((counter * 7919) %% #built) + 1]
end
"""


def post(base: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def device_tokens(n: int) -> list[str]:
    """n scanner devices of the demo checkpoint (rows written directly: this is setup, not what is measured)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from fangkong.core import clock
    from fangkong.core.models import ApiToken

    user = get_user_model().objects.get(username="checkpoint_staff")
    tokens = [secrets.token_urlsafe(24) for _ in range(n)]
    ApiToken.objects.bulk_create(
        ApiToken(user=user, digest=hashlib.sha256(t.encode()).hexdigest(), expires_at=clock.now() + timedelta(hours=6))
        for t in tokens
    )
    return tokens


def fill_statuses() -> tuple[int, float]:
    from fangkong.containment.status import status_refresh
    from fangkong.registry.models import Person

    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    for i in range(0, len(ids), 50_000):
        status_refresh(ids[i : i + 50_000])
    return len(ids), time.perf_counter() - started


def communities_for(target: int) -> tuple[list[int], int]:
    """Whole communities, largest first, until about `target` residents."""
    from django.db.models import Count

    from fangkong.registry.models import Person

    rows = Person.objects.values("community_id").annotate(n=Count("id")).order_by("-n").values_list("community_id", "n")
    chosen, total = [], 0
    for community, n in rows:
        if total >= target:
            break
        chosen.append(community)
        total += n
    return chosen, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--zone-people", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_status"),
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database seeded by an earlier run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed for the HTTP load: apt-get install wrk")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    # The devices are tokens of one account (the demo checkpoint's): its per-account limit, a protection for real
    # accounts (3,000 a minute by default), would refuse nearly every look-up measured here. Each device's own
    # limit stays in force.
    os.environ.setdefault("FANGKONG_STATUS_USER_RATE", str(10**9))
    if not args.reuse:
        from registry import pgbench_select, recreate_database

        recreate_database(args.database_url)
    else:
        from registry import pgbench_select
    import django

    django.setup()
    from common import login, server, wrk
    from django.core.management import call_command

    from fangkong.registry.models import Jurisdiction, PersonCode
    from fangkong.site.demo import seed_demo

    tmp = Path(tempfile.mkdtemp(prefix="fangkong-bench-"))
    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"seeding {args.people:,} people …", flush=True)
        seed_demo(people=args.people)
        from django.contrib.auth import get_user_model

        from fangkong.registry.codes import person_codes_issue

        hq = get_user_model().objects.get(username="hq_admin")
        issued = person_codes_issue(actor=hq, jurisdiction_id=Jurisdiction.objects.get(level="district").pk)
        print(f"issued {issued:,} personal codes", flush=True)
    if args.reuse:
        filled, fill_seconds = 1, 1.0  # filled by the earlier run
    else:
        filled, fill_seconds = fill_statuses()
    print(f"initial fill: {filled:,} statuses in {fill_seconds:.1f} s = {filled / fill_seconds:,.0f}/s", flush=True)
    codes = list(PersonCode.objects.order_by("?").values_list("code", flat=True)[:50_000])
    random.Random(5).shuffle(codes)
    tokens = device_tokens(args.devices)
    script = tmp / "status.lua"
    script.write_text(
        LUA
        % {
            "tokens": ",".join(f'"{t}"' for t in tokens),
            "codes": ",".join(f'"{c}"' for c in codes),
        }
    )
    pgbench_tps = pgbench_select(args.database_url)
    print(f"pgbench -S: {pgbench_tps:,.0f} tps" if pgbench_tps else "pgbench not found", flush=True)
    with server(
        port=args.port, workers=args.workers, threads=args.threads, log=tmp / "server.log", home=str(tmp)
    ) as base:
        subprocess.run(["wrk", "-t2", "-c8", "-d3s", "-s", str(script), base], capture_output=True, check=True)
        rps, p99, errors = wrk(base, script, args.seconds, args.connections)
        print(f"lookups: {rps:,.0f}/s, p99 {p99:.1f} ms, non-2xx {errors}", flush=True)
        hq, deputy = login(base, "hq_admin"), login(base, "hq_deputy")
        communities, inside = communities_for(args.zone_people)
        status, zone = post(
            base,
            "/api/v1/zones",
            hq,
            {"level": "sealed", "jurisdictions": communities, "basis": "bench: a large sealed zone", "name": "bench"},
        )
        assert status == 201, zone
        started = time.perf_counter()
        status, approved = post(base, f"/api/v1/zones/{zone['id']}/approve", deputy, {"note": "bench"})
        zone_seconds = time.perf_counter() - started
        assert status == 200, approved
        print(
            f"zone over {len(communities)} communities, {inside:,} people: approved and recomputed in "
            f"{zone_seconds:.2f} s",
            flush=True,
        )
        sample = random.Random(9).sample(codes, 1)[0]
        req = urllib.request.Request(f"{base}/api/v1/status/{sample}", headers={"Authorization": f"Bearer {tokens[0]}"})
        with urllib.request.urlopen(req) as r:
            print(f"a look-up after sealing: {json.loads(r.read())['colour']}", flush=True)
    ratio = rps / pgbench_tps if pgbench_tps else 0
    print(
        f"RESULT people={args.people} lookups_per_s={rps:.0f} p99_ms={p99:.1f} errors={errors} "
        f"pgbench_select_tps={pgbench_tps or 0:.0f} ratio={ratio:.3f} zone_people={inside} "
        f"zone_recompute_s={zone_seconds:.2f} fill_per_s={filled / fill_seconds:.0f}"
    )


if __name__ == "__main__":
    main()
