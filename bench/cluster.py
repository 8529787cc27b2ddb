#!/usr/bin/env python3
"""The production stack on this machine (`fangkong stack`): status look-ups and passages through nginx with one and
two app nodes, the app's connections through PgBouncer, and the database's own limit direct and through PgBouncer.

    .venv/bin/python bench/cluster.py [--people 1400000] [--seconds 20] [--connections 16]

A stack of its own in a temporary directory (its own PostgreSQL cluster, PgBouncer, Redis, two Granian nodes of
`--workers` processes each, nginx), the city of `--people` seeded into it with personal codes and statuses; then:
  status   — `GET /api/v1/status/{code}` by wrk through nginx, nginx spreading over two nodes, then over one;
  passages — `POST /api/v1/checkpoints/{id}/passages` (each with its Idempotency-Key) the same way;
  raw      — `pgbench -S` against the stack's PostgreSQL directly and through its PgBouncer, in the same run.
On one 2-core machine the nodes, PostgreSQL and wrk share the cores: two nodes show what a second process of the
app buys, not what a second machine would. Needs wrk and pgbench. Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def stack(directory: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "FANGKONG_", "CELERY_"))}
    out = subprocess.run(
        [sys.executable, "-m", "fangkong.cli", "stack", *args, "--dir", str(directory)],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"fangkong stack {' '.join(args)} failed:\n{out.stdout}{out.stderr}")


def pgbench(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["pgbench", "-S", "-c", "4", "-j", "2", "-T", str(seconds), url], check=True, capture_output=True, text=True
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]


def wrk_post(base: str, script: Path, seconds: int, connections: int) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "--timeout", "5s", base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = float(re.search(r"LAT .*p99=([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = int(re.search(r"STATUS errors=(\d+)", out).group(1))  # type: ignore[union-attr]
    return rps, p99, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="Granian processes per node")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--keep", action="store_true", help="leave the stack running (and its data) at the end")
    args = parser.parse_args()
    for program in ("wrk", "pgbench"):
        if not shutil.which(program):
            sys.exit(f"{program} is needed: apt-get install {'wrk' if program == 'wrk' else 'postgresql-client'}")
    directory = Path(tempfile.mkdtemp(prefix="fangkong-cluster-"))
    directory.chmod(0o755)
    print(f"stack in {directory}", flush=True)
    # The scanners are 400 tokens of one account: its per-account limit (a protection for real accounts) would refuse
    # nearly every look-up measured here; each device's own limit stays in force.
    (directory / "fangkong.env").write_text("FANGKONG_STATUS_USER_RATE=1000000000\nFANGKONG_LOG_LEVEL=WARNING\n")
    started = time.perf_counter()
    stack(directory, "up", "--port", str(args.port), "--nodes", "2", "--workers", str(args.workers))
    print(f"stack up in {time.perf_counter() - started:.0f} s", flush=True)
    try:
        run(directory, args)
    finally:
        if not args.keep:
            stack(directory, "down", "--purge")


def run(directory: Path, args) -> None:
    secrets = directory / "secrets"
    owner_url = (secrets / "owner_url").read_text().strip()
    # This process works on the stack's database with the stack's keys (codes and hashes must match the nodes').
    os.environ.update(
        {
            "DATABASE_URL": owner_url,
            "FANGKONG_DATA_KEY_FILE": str(secrets / "data_key"),
            "FANGKONG_SECRET_KEY_FILE": str(secrets / "secret_key"),
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from fangkong.registry.codes import person_codes_issue
    from fangkong.registry.models import Jurisdiction, PersonCode
    from fangkong.screening.models import Checkpoint
    from fangkong.site.demo import seed_demo

    started = time.perf_counter()
    print(f"seeding {args.people:,} people …", flush=True)
    seed_demo(people=args.people)
    hq = get_user_model().objects.get(username="hq_admin")
    person_codes_issue(actor=hq, jurisdiction_id=Jurisdiction.objects.get(level="district").pk)
    from status import LUA as STATUS_LUA
    from status import device_tokens, fill_statuses

    filled, _seconds = fill_statuses()
    print(f"city ready in {time.perf_counter() - started:.0f} s ({filled:,} statuses)", flush=True)
    # The seed leaves millions of fresh rows: autovacuum and the nodes' first analyses would otherwise run during
    # the first measurement (two nodes) and not the second (one), as they did on 2026-12-03.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    from common import login, wrk
    from screening import LUA as PASSAGE_LUA
    from screening import bodies, lua_table, passage_inputs

    tmp = directory / "bench"
    tmp.mkdir()
    codes = list(PersonCode.objects.order_by("?").values_list("code", flat=True)[:50_000])
    tokens = device_tokens(400)
    status_script = tmp / "status.lua"
    status_script.write_text(
        STATUS_LUA % {"tokens": ",".join(f'"{t}"' for t in tokens), "codes": ",".join(f'"{c}"' for c in codes)}
    )
    residents, communities, rng = passage_inputs()
    checkpoint = Checkpoint.objects.get(unit__roleassignment__user__username="checkpoint_staff")
    (tmp / "bodies.lua").write_text(lua_table(bodies(50_000, residents, communities, rng)))
    from django.db import connections

    connections.close_all()

    base = f"http://127.0.0.1:{args.port}"
    staff = login(base, "checkpoint_staff")
    results: dict[str, float] = {}
    for nodes in (2, 1):
        stack(directory, "up", "--nodes", str(nodes))  # nginx reloaded with this many nodes in its upstream
        time.sleep(1)
        subprocess.run(["wrk", "-t2", "-c8", "-d3s", "-s", str(status_script), base], capture_output=True, check=True)
        rps, p99, errors = wrk(base, status_script, args.seconds, args.connections)
        print(f"status, {nodes} node(s): {rps:,.0f}/s, p99 {p99:.1f} ms, non-2xx {errors}", flush=True)
        results[f"status_{nodes}"], results[f"status_p99_{nodes}"] = rps, p99
        passage_script = tmp / f"passages{nodes}.lua"
        passage_script.write_text(
            PASSAGE_LUA
            % {
                "bodies": tmp / "bodies.lua",
                "token": staff,
                "prefix": f"cluster{nodes}",
                "path": f"/api/v1/checkpoints/{checkpoint.pk}/passages",
            }
        )
        rps, p99, errors = wrk_post(base, passage_script, args.seconds, args.connections)
        print(f"passages, {nodes} node(s): {rps:,.0f}/s, p99 {p99:.1f} ms, errors {errors}", flush=True)
        results[f"passages_{nodes}"], results[f"passages_p99_{nodes}"] = rps, p99

    # The database's own limit for one-row look-ups, directly and through the stack's PgBouncer (its own tables in a
    # database of their own, dropped after).
    pg_port = json.loads((directory / "stack.json").read_text())["port"] + 10
    superuser = (secrets / "pg_superuser_password").read_text().strip()
    subprocess.run(
        ["psql", f"postgres://postgres:{superuser}@127.0.0.1:{pg_port}/postgres", "-qc", "CREATE DATABASE bench"],
        check=True,
        capture_output=True,
    )
    direct = f"postgres://postgres:{superuser}@127.0.0.1:{pg_port}/bench"
    # Through PgBouncer as the app's owner role (PgBouncer knows the stack's roles, not the superuser).
    owner = (secrets / "db_owner_password").read_text().strip()
    subprocess.run(
        ["psql", direct, "-qc", "ALTER DATABASE bench OWNER TO fangkong_owner"], check=True, capture_output=True
    )
    direct = f"postgres://fangkong_owner:{owner}@127.0.0.1:{pg_port}/bench"
    pooled = f"postgres://fangkong_owner:{owner}@127.0.0.1:{pg_port + 1}/bench"
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", direct], check=True, capture_output=True)
    results["pgbench_direct"] = pgbench(direct, 10)
    results["pgbench_pgbouncer"] = pgbench(pooled, 10)
    print(
        f"pgbench -S: {results['pgbench_direct']:,.0f} tps direct, {results['pgbench_pgbouncer']:,.0f} through "
        "PgBouncer",
        flush=True,
    )
    ratio = results["status_2"] / results["status_1"]
    print(
        f"RESULT people={args.people} status_1node={results['status_1']:.0f} status_2nodes={results['status_2']:.0f} "
        f"status_p99_ms_2nodes={results['status_p99_2']:.1f} passages_1node={results['passages_1']:.0f} "
        f"passages_2nodes={results['passages_2']:.0f} passages_p99_ms_2nodes={results['passages_p99_2']:.1f} "
        f"pgbench_select_tps={results['pgbench_direct']:.0f} "
        f"pgbench_select_tps_pgbouncer={results['pgbench_pgbouncer']:.0f} "
        f"status_vs_pgbench={results['status_2'] / results['pgbench_direct']:.3f} ratio={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
