#!/usr/bin/env python3
"""The command hall at city scale: the full hall payload, the map, and alert streams.

    .venv/bin/python bench/hall.py [--people 1400000] [--passages 1000000] [--hazards 200000] [--requests 100]

On PostgreSQL (`fangkong_bench_hall` is dropped and recreated) with `fangkong serve` on this machine:
  setup   — the demo city of `--people`; `--passages` arrivals over the last 7 days (10 % from risk areas, with their
            closed-loop cases); a whole-city testing round under way (every resident sampled into 10-in-1 tubes,
            0.1 % of pools positive); `--hazards` hazards in 4,000 enterprises; every status filled (written with
            COPY and the status service's own fill: setup, not measured);
  hall    — GET /api/v1/hall as district HQ (every module's figures for the whole city) and as a street officer:
            p50/p95 (target p95 ≤ 300 ms);
  map     — GET /api/v1/hall/map: the district's streets by zone level, its 700 grids by arrivals today (target
            p95 ≤ 300 ms);
  trends  — GET /api/v1/hall/trends: 30 days of arrivals, closed-loop cases, samples, positives, cases and hazards
            from the counts kept per day (core.daily; rebuilt once after the bulk load, as `fangkong rebuild-counts`);
  streams — `--streams` open alert streams (server-sent events, /hall/stream, as HQ's walls); a high-risk arrival
            registered through the API; the time until every stream has its event (target ≤ 1 s);
  raw     — `pgbench -S` in the same run.
Ends with one line: RESULT name=value ... (ratio = hall requests per second ÷ pgbench -S transactions per second).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def seed_round(rng: random.Random) -> int:
    """A round under way in which every resident has been sampled (10 to a tube), 0.1 % of pools positive."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Person
    from fangkong.testing.models import Round, Sample, Site, Tube

    hq = get_user_model().objects.get(username="hq_admin")
    sampler = get_user_model().objects.get(username="sampler")
    now = clock.now()
    round_ = Round.objects.create(
        name="全城核酸（压测）", pool_size=10, starts_at=now - timedelta(hours=6), deadline=now + timedelta(hours=18),
        created_by=hq,
    )  # fmt: skip
    sites = {s.jurisdiction_id: (s.pk, s.jpath) for s in Site.objects.all()}
    residents = Person.objects.filter(is_resident=True).order_by("community_id", "pk")
    people = residents.values_list("pk", "community_id", "jpath")
    tubes, samples = [], []
    code = 0
    group: list[tuple[int, int, str]] = []

    def close(group):
        nonlocal code
        code += 1
        site_id, site_path = sites.get(group[0][1], next(iter(sites.values())))
        positive = rng.random() < 0.001
        opened = now - timedelta(minutes=rng.randrange(60, 360))
        tubes.append(
            (f"HB{code:08d}", round_.pk, site_id, 10, len(group), False, opened, opened + timedelta(minutes=8),
             "positive" if positive else "negative", opened + timedelta(hours=4), site_path)
        )  # fmt: skip
        for pk, _c, jpath in group:
            samples.append((round_.pk, code, pk, site_id, opened, sampler.pk, False, jpath))

    for row in people.iterator(chunk_size=50_000):
        if group and (len(group) == 10 or group[-1][1] != row[1]):
            close(group)
            group = []
        group.append(row)
    if group:
        close(group)
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
        ((r, ids[f"HB{t:08d}"], p, s, at, by, rt, jp) for r, t, p, s, at, by, rt, jp in samples),
    )
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE testing_sample")
        c.execute("VACUUM ANALYZE testing_tube")
    return len(samples)


class Stream(threading.Thread):
    """One open /hall/stream, noting when each alert event arrived."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.cookie = host, port, cookie
        self.arrived: dict[int, float] = {}
        self.ready = threading.Event()
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def run(self) -> None:
        conn = self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        conn.request("GET", "/hall/stream", headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
        response = conn.getresponse()
        assert response.status == 200, response.status
        self.ready.set()
        event_id = None
        while True:
            try:
                line = response.readline()
            except (OSError, AttributeError, ValueError):  # closed by the bench at the end
                return
            if not line:
                return
            text = line.decode().rstrip("\n")
            if text.startswith("id: "):
                event_id = int(text[4:])
            elif text.startswith("data: ") and event_id is not None:
                self.arrived[event_id] = time.perf_counter()


def session_cookie(base: str, username: str) -> str:
    """A signed-in browser's cookies (the streams are the hall page's, signed in by the session)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = urllib.parse.urlencode({"username": username, "password": "fangkong-demo", "csrfmiddlewaretoken": token})
    opener.open(urllib.request.Request(f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"}))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def measure(base: str, args, first_street):
    """The timed part, against the running server."""
    from common import login, pct, timed_get

    from fangkong.registry.models import Jurisdiction

    hq, street = login(base, "hq_admin"), login(base, "street_officer")
    timed_get(f"{base}/api/v1/hall", hq, 3)
    hall_hq = timed_get(f"{base}/api/v1/hall", hq, args.requests)
    print(f"  hall (district): p50 {pct(hall_hq, 50):.0f} ms", flush=True)
    hall_street = timed_get(f"{base}/api/v1/hall", street, args.requests)
    print(f"  hall (street): p50 {pct(hall_street, 50):.0f} ms", flush=True)
    map_streets = timed_get(f"{base}/api/v1/hall/map", hq, args.requests)
    map_grids = timed_get(f"{base}/api/v1/hall/map?level=grid&indicator=arrivals_today", hq, args.requests // 2)
    print(f"  map: p50 {pct(map_streets, 50):.0f} ms, grids {pct(map_grids, 50):.0f} ms", flush=True)
    trends = timed_get(f"{base}/api/v1/hall/trends", hq, args.requests)
    print(f"  trends: p50 {pct(trends, 50):.0f} ms", flush=True)

    cookie = session_cookie(base, "hq_admin")
    host, port = "127.0.0.1", args.port
    streams = [Stream(host, port, cookie) for _ in range(args.streams)]
    for s in streams:
        s.start()
    for s in streams:
        assert s.ready.wait(30), "a stream did not open"
    time.sleep(1.0)
    staff = login(base, "checkpoint_staff")
    checkpoints = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/api/v1/checkpoints", headers={"Authorization": f"Bearer {staff}"})
        ).read()
    )
    cp = (checkpoints["items"] if isinstance(checkpoints, dict) else checkpoints)[0]["id"]
    community = Jurisdiction.objects.filter(level="community", path__startswith=first_street.path).first()
    from fangkong.conftest import make_id_number

    body = {
        "direction": "in", "document_number": make_id_number(), "name": "压测", "origin": "上海市浦东新区",
        "destination_community": community.pk,
    }  # fmt: skip
    request = urllib.request.Request(
        f"{base}/api/v1/checkpoints/{cp}/passages",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {staff}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),  # a fresh one: a rerun must register, not replay
        },
    )
    sent = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status in (200, 201), r.status
    deadline = sent + 10
    while time.perf_counter() < deadline and not all(s.arrived for s in streams):
        time.sleep(0.01)
    reached = [min(s.arrived.values()) - sent for s in streams if s.arrived]
    for s in streams:
        s.close()
    return hall_hq, hall_street, map_streets, map_grids, trends, reached, streams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--hazards", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--port", type=int, default=8127)
    parser.add_argument("--reuse", action="store_true", help="keep the city of a previous run; seed what it lacks")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_hall"),
    )
    args = parser.parse_args()
    os.environ["FANGKONG_REQUIRE_2FA"] = "0"  # HQ's walls sign in with a password here (the bench has no phone)
    from common import fresh_city, pct, server
    from registry import pgbench_select

    if args.reuse:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
    else:
        fresh_city(args.database_url, args.people)
    from safety import seed as seed_hazards
    from screening import bulk_passages
    from status import fill_statuses

    from fangkong.containment.models import PersonStatus
    from fangkong.safety.models import Hazard
    from fangkong.screening.models import Passage
    from fangkong.testing.models import Round, Sample

    rng = random.Random(16)
    if Passage.objects.count() < args.passages:
        print(f"writing {args.passages:,} passages …", flush=True)
        bulk_passages(args.passages)
    bench_round = Round.objects.filter(name="全城核酸（压测）").first()
    if bench_round is None:
        print("a whole-city round …", flush=True)
        sampled = seed_round(rng)
    else:
        sampled = Sample.objects.filter(round=bench_round).count()
    if Hazard.objects.count() < args.hazards:
        print(f"  {sampled:,} samples; {args.hazards:,} hazards …", flush=True)
        seed_hazards(4000, args.hazards)
    from fangkong.registry.counts import residents_rebuild
    from fangkong.registry.models import ResidentCount
    from fangkong.screening.models import ArrivalCount
    from fangkong.screening.passages import arrivals_rebuild

    if not ArrivalCount.objects.exists():  # the passages were written past the registration that keeps them
        arrivals_rebuild()
    if not ResidentCount.objects.exists():
        residents_rebuild()
    from fangkong.core import daily
    from fangkong.core.models import DailyCount

    # Likewise: samples and closed-loop cases were bulk-written (the hazards' seeding went through the service).
    if not DailyCount.objects.filter(metric="testing.samples").exists():
        started = time.perf_counter()
        daily.rebuild()
        print(f"  daily counts rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    if PersonStatus.objects.filter(colour__isnull=False).count() < args.people:
        filled, seconds = fill_statuses()
        print(f"  statuses filled: {filled:,} in {seconds:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as c:  # as after any large load (autovacuum would get there, later)
        for table in ("containment_personstatus", "safety_hazard", "core_dailycount", "screening_arrivalcount"):
            c.execute(f"VACUUM ANALYZE {table}")
    pgbench_tps = pgbench_select(args.database_url) or 0

    from fangkong.registry.models import Jurisdiction

    first_street = Jurisdiction.objects.filter(level="street").order_by("path").first()
    assert first_street is not None
    tmp = tempfile.mkdtemp(prefix="fangkong-bench-")
    threads = args.streams + 8  # each open stream holds one of the server's threads (core.alertstream)
    with server(port=args.port, workers=2, threads=threads // 2 + 4, log=Path(tmp) / "server.log", home=tmp) as base:
        try:
            hall_hq, hall_street, map_streets, map_grids, trends, reached, streams = measure(base, args, first_street)
        except Exception:
            traceback.print_exc()  # before the server stops (which may time out and hide it)
            raise
    h50, h95 = pct(hall_hq, 50), pct(hall_hq, 95)
    s95 = pct(hall_street, 95)
    m95, g95 = pct(map_streets, 95), pct(map_grids, 95)
    t95 = pct(trends, 95)
    slowest = max(reached) * 1000 if len(reached) == len(streams) else float("inf")
    ratio = (1000 / h50) / pgbench_tps if pgbench_tps else 0
    print(f"hall (district): p50 {h50:.0f} ms, p95 {h95:.0f} ms; a street's: p95 {s95:.0f} ms")
    print(f"map: streets by zone level p95 {m95:.0f} ms; grids by arrivals p95 {g95:.0f} ms")
    print(f"trends: 30 days of every chart p95 {t95:.0f} ms")
    print(f"streams: {len(reached)}/{len(streams)} had the alert; the last after {slowest:.0f} ms")
    print(
        f"RESULT people={args.people} passages={args.passages} samples={sampled} hazards={args.hazards} "
        f"hall_p50_ms={h50:.0f} hall_p95_ms={h95:.0f} hall_street_p95_ms={s95:.0f} map_p95_ms={m95:.0f} "
        f"map_grids_p95_ms={g95:.0f} trends_p95_ms={t95:.0f} streams={len(streams)} streams_reached={len(reached)} "
        f"stream_last_ms={slowest:.0f} pgbench_select_tps={pgbench_tps:.0f} ratio={ratio:.5f}"
    )


if __name__ == "__main__":
    main()
