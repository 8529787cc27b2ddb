"""What the benchmarks share: a fresh demo city in its own PostgreSQL database, a production-like `fangkong serve`
on this machine started and stopped around a run, and timed requests to it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def server(*, port: int, workers: int, threads: int, log: Path, home: str | None = None) -> Iterator[str]:
    """Run the server (no debug, as in production) and yield its base URL once it answers. It hashes and encrypts
    with this process's keys, whatever its FANGKONG_HOME."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()  # the workers open their own
    env = {
        **os.environ,
        "FANGKONG_LOG_LEVEL": "WARNING",
        "FANGKONG_DEBUG": "0",
        "FANGKONG_DATA_KEY": settings.DATA_KEY,
        "FANGKONG_SECRET_KEY": settings.SECRET_KEY,
    }
    if home:
        env["FANGKONG_HOME"] = home
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/fangkong"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def fresh_city(database_url: str, people: int) -> None:
    """Drop and recreate the database, set Django up on it, migrate and seed the demo city of `people`."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from registry import recreate_database

    recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from fangkong.site.demo import seed_demo

    call_command("migrate", verbosity=0)
    print(f"seeding {people:,} people …", flush=True)
    seed_demo(people=people)


def login(base: str, username: str) -> str:
    req = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": "fangkong-demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["token"]


def timed_get(url: str, token: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            assert r.status == 200
        times.append((time.perf_counter() - started) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def wrk(base: str, script: Path, seconds: int, connections: int) -> tuple[float, float, int]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None, out
    value, unit = float(p99.group(1)), p99.group(2)
    p99_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99_ms, int(errors.group(1)) if errors else 0
