#!/usr/bin/env python3
"""Epidemiology at scale: the transmission chain of a 500-case cluster, the epidemic curve over 100,000 cases,
and co-presence for a case over 10 million venue scans and 1 million checkpoint passages.

    .venv/bin/python bench/epi.py [--people 1400000] [--cases 100000] [--cluster 500] [--scans 10000000]
                                  [--passages 1000000] [--requests 100]
    .venv/bin/python bench/epi.py --sqlite --people 2000 --cases 5000 --scans 100000 --passages 10000 --requests 10

On PostgreSQL (`fangkong_bench_epi` is dropped and recreated) or an embedded SQLite file, with `fangkong serve` on
this machine:
  setup  — the demo city, then `--cases` cases over its residents (one open case a person: the older ones released)
           across 120 days, four in five confirmed with an onset a few days before the report, one in five
           asymptomatic; among them a cluster of `--cluster` cases linked as a transmission tree (each infecting
           about three, known or suspected), each with two close contacts (bulk rows: setup);
  chain  — GET /api/v1/cases/{id}/chain from a case of the cluster's last generation, as district HQ;
  curve  — GET /api/v1/epicurve?by=onset and ?by=report&by_street=1 over every case, as district HQ;
  copresence — `--scans` venue scans over 2,000 venues and `--passages` passages through the demo's checkpoints,
           spread over the last 14 days (COPY); a fresh case whose person scanned in 40 times and crossed 6 times
           in the window; GET /api/v1/cases/{id}/copresence (with its purpose) as district HQ;
  raw    — the database's own limit in the same run: the tree read by one recursive query, the curve's grouping
           by day as one bare SQL statement, co-presence's two range reads as bare SQL (the ratios are the API's
           p95 over these).
Targets (PostgreSQL, 2 cores): chain p95 ≤ 300 ms, curve p95 ≤ 200 ms, co-presence p95 ≤ 1 s. Ends with one line:
RESULT name=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DAYS = 120


def seed(cases: int, cluster_size: int) -> int:
    """The cases and the cluster; returns the id of a case in the cluster's last generation."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.containment.models import Case, CloseContact, Cluster
    from fangkong.core import clock
    from fangkong.registry.models import Person

    rng = random.Random(19)
    people = list(Person.objects.filter(is_resident=True).values_list("pk", "jpath").order_by("pk"))
    taken = set(Case.objects.values_list("person_id", flat=True))
    people = [p for p in people if p[0] not in taken]
    if len(people) < cluster_size * 3 + 10:
        raise SystemExit(f"--people too small for a cluster of {cluster_size} with its contacts")
    now = clock.now()
    hq = get_user_model().objects.get(username="hq_admin")
    # The cluster's cases and contacts first, from their own people (a case's contact is nobody's case).
    cluster_people, contact_people, rest = (
        people[:cluster_size],
        people[cluster_size : cluster_size * 3],
        people[cluster_size * 3 :],
    )
    cluster = Cluster.objects.create(
        name="bench cluster", kind=Cluster.Kind.MARKET, created_by=hq, jpath=people[0][1].split("/")[0] + "/"
    )
    start = now - timedelta(days=30)
    made: list[Case] = []
    for i, (pk, jpath) in enumerate(cluster_people):
        source = made[(i - 1) // 3] if i else None  # each infects about three: a tree of about six generations
        at = start + timedelta(hours=6 * i)
        made.append(
            Case.objects.create(
                person_id=pk,
                jpath=jpath,
                confirmed_at=at,
                onset_date=(at - timedelta(days=2)).date(),
                source="testing",
                cluster=cluster,
                source_case=source,
                source_certainty=("known" if i % 4 else "suspected") if source else "unknown",
            )
        )
    CloseContact.objects.bulk_create(
        (
            CloseContact(
                case=case,
                person_id=contact_people[2 * i + k][0],
                jpath=contact_people[2 * i + k][1],
                last_contact_at=case.confirmed_at - timedelta(days=1),
                recorded_by=hq,
            )
            for i, case in enumerate(made)
            for k in range(2)
        ),
        batch_size=5000,
    )
    # The rest of the cases, spread over the days and the city: the latest of a person open, the others released.
    rows = []
    latest: dict[int, int] = {}
    for i in range(max(cases - cluster_size, 0)):
        pk, jpath = rest[i % len(rest)]
        at = now - timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(1440))
        confirmed = rng.random() < 0.8
        rows.append(
            Case(
                person_id=pk,
                jpath=jpath,
                confirmed_at=at,
                classification="confirmed" if confirmed else "asymptomatic",
                onset_date=(at - timedelta(days=rng.randrange(6))).date() if confirmed else None,
                source="testing",
                released_at=at + timedelta(days=14),
            )
        )
        latest[pk] = len(rows) - 1
    for index in latest.values():
        rows[index].released_at = None
    Case.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("ANALYZE containment_case; ANALYZE containment_closecontact")
    return made[-1].pk


WHEREABOUTS_DAYS = 14


def seed_whereabouts(scans: int, passages: int) -> int:
    """2,000 venues, `scans` venue scans and `passages` checkpoint passages over the last 14 days (COPY), and a fresh
    case whose person was at 40 of those venues and 6 checkpoint crossings in its window; returns the case's id."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.containment.models import Case
    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Jurisdiction, Person, Unit
    from fangkong.screening.models import Checkpoint

    rng = random.Random(6)
    now = clock.now()
    communities = list(Jurisdiction.objects.filter(level="community").values_list("pk", "path"))
    Unit.objects.bulk_create(
        [
            Unit(kind="venue", name=f"场所{i}", code=f"BV{i:05d}", jurisdiction_id=j, jpath=path)
            for i, (j, path) in enumerate(rng.choice(communities) for _ in range(2000))
        ],
        batch_size=2000,
    )
    venues = list(Unit.objects.filter(kind="venue", code__startswith="BV").values_list("pk", "jpath"))
    checkpoints = list(Checkpoint.objects.values_list("pk", "jpath"))
    staff = get_user_model().objects.get(username="hq_admin").pk
    people = list(Person.objects.values_list("pk", flat=True))
    span = WHEREABOUTS_DAYS * 86400

    def scan_rows():
        for _ in range(scans):
            venue, jpath = venues[rng.randrange(len(venues))]
            at = now - timedelta(seconds=rng.randrange(span))
            yield (venue, people[rng.randrange(len(people))], at, "green", None, jpath)

    def passage_rows():
        for _ in range(passages):
            cp, jpath = checkpoints[rng.randrange(len(checkpoints))]
            at = now - timedelta(seconds=rng.randrange(span))
            yield (
                cp,
                "in",
                people[rng.randrange(len(people))],
                "来客",
                "",
                "大连",
                "[]",
                "",
                "",
                False,
                at,
                staff,
                "let_pass",
                "",
                "",
                jpath,
            )

    started = time.perf_counter()
    write_rows(
        "containment_venuescan", ["venue_id", "person_id", "at", "colour", "recorded_by_id", "jpath"], scan_rows()
    )
    passage_columns = [
        "checkpoint_id", "direction", "person_id", "name", "plate", "origin", "visited", "destination_address",
        "status_code", "negative_test_48h", "at", "recorded_by_id", "instruction", "rule", "rule_detail", "jpath",
    ]  # fmt: skip
    write_rows("screening_passage", passage_columns, passage_rows())
    taken = set(Case.objects.filter(released_at__isnull=True).values_list("person_id", flat=True))
    patient = next(pk for pk in people[len(people) // 2 :] if pk not in taken)
    onset = (now - timedelta(days=2)).date()
    window = (now - timedelta(days=6)).timestamp(), now.timestamp()
    own = [(*venues[rng.randrange(len(venues))][:1], patient, rng.uniform(*window)) for _ in range(40)]
    write_rows(
        "containment_venuescan",
        ["venue_id", "person_id", "at", "colour", "recorded_by_id", "jpath"],
        [(v, p, datetime.fromtimestamp(t, tz=UTC), "green", None, "") for v, p, t in own],
    )
    crossings = [(checkpoints[rng.randrange(len(checkpoints))], rng.uniform(*window)) for _ in range(6)]
    write_rows(
        "screening_passage",
        passage_columns,
        [
            (cp, "in", patient, "病例", "", "大连", "[]", "", "", False, datetime.fromtimestamp(t, tz=UTC), staff,
             "let_pass", "", "", jpath)
            for (cp, jpath), t in crossings
        ],
    )  # fmt: skip
    case = Case.objects.create(
        person_id=patient,
        jpath=Person.objects.get(pk=patient).jpath,
        confirmed_at=now,
        onset_date=onset,
        source="testing",
    )
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("ANALYZE containment_venuescan; ANALYZE screening_passage")
    print(f"{scans:,} scans and {passages:,} passages written in {time.perf_counter() - started:.1f} s", flush=True)
    return case.pk


def raw_copresence_ms(case_id: int, n: int) -> float:
    """Co-presence's reads as bare SQL: the case's places and times, then everyone at them within 30 minutes."""
    from django.db import connection

    from fangkong.containment.copresence import copresence_window
    from fangkong.containment.models import Case

    case = Case.objects.get(pk=case_id)
    window = copresence_window(case)
    times = []
    with connection.cursor() as c:
        for _ in range(n):
            started = time.perf_counter()
            for table, place in (("containment_venuescan", "venue_id"), ("screening_passage", "checkpoint_id")):
                c.execute(
                    f"SELECT {place}, at FROM {table} WHERE person_id = %s AND at >= %s AND at <= %s",
                    [case.person_id, window.since, window.until],
                )
                own = c.fetchall()
                if not own:
                    continue
                ors = " OR ".join([f"({place} = %s AND at >= %s AND at <= %s)"] * len(own))
                params = [v for p, at in own for v in (p, at - timedelta(minutes=30), at + timedelta(minutes=30))]
                c.execute(f"SELECT person_id, {place}, at FROM {table} WHERE {ors} LIMIT 5000", params)
                c.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def raw_chain_ms(case_id: int, n: int) -> float:
    """The tree of `case_id` as the database reads it at best: one recursive query up to the root and down."""
    from django.db import connection

    sql = """
        WITH RECURSIVE up(id, source_case_id) AS (
            SELECT id, source_case_id FROM containment_case WHERE id = %s
            UNION ALL SELECT c.id, c.source_case_id FROM containment_case c JOIN up ON c.id = up.source_case_id
        ), root AS (SELECT id FROM up WHERE source_case_id IS NULL),
        down(id, generation) AS (
            SELECT id, 0 FROM root
            UNION ALL SELECT c.id, d.generation + 1 FROM containment_case c JOIN down d ON c.source_case_id = d.id
        )
        SELECT d.id, d.generation, cc.id FROM down d LEFT JOIN containment_closecontact cc ON cc.case_id = d.id
    """
    times = []
    with connection.cursor() as c:
        for _ in range(n):
            started = time.perf_counter()
            c.execute(sql, [case_id])
            c.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def raw_curve_ms(n: int) -> float:
    """The curve's counting as one bare statement: cases per day of onset (else report) and classification."""
    from django.db import connection

    if connection.vendor == "postgresql":
        day = "COALESCE(onset_date, (confirmed_at AT TIME ZONE 'Asia/Shanghai')::date)"
    else:
        day = "COALESCE(onset_date, date(confirmed_at, '+8 hours'))"
    sql = f"SELECT {day} AS day, classification, count(*) FROM containment_case GROUP BY 1, 2"
    times = []
    with connection.cursor() as c:
        for _ in range(n):
            started = time.perf_counter()
            c.execute(sql)
            c.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[len(times) // 2]


def get_json(url: str, token: str):
    import json
    import urllib.request

    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--cluster", type=int, default=500)
    parser.add_argument("--scans", type=int, default=10_000_000)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--port", type=int, default=8129)
    parser.add_argument("--sqlite", action="store_true", help="run on an embedded SQLite file instead")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_epi"),
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

    from fangkong.containment.models import Case
    from fangkong.site.demo import seed_demo

    call_command("migrate", verbosity=0)
    print(f"seeding {args.people:,} people …", flush=True)
    seed_demo(people=args.people)
    started = time.perf_counter()
    leaf = seed(args.cases, args.cluster)
    total = Case.objects.count()
    print(f"{total:,} cases, a cluster of {args.cluster} (setup {time.perf_counter() - started:.1f} s)", flush=True)
    traced = seed_whereabouts(args.scans, args.passages)
    raw_chain = raw_chain_ms(leaf, 20)
    raw_curve = raw_curve_ms(20)
    raw_copresence = raw_copresence_ms(traced, 20)
    print(f"server log: {tmp}/server.log", flush=True)
    workers = 1 if args.sqlite else 2  # one writer at a time is SQLite's rule
    with server(port=args.port, workers=workers, threads=2, log=Path(tmp) / "server.log", home=tmp) as base:
        hq = login(base, "hq_admin")
        chain_url = f"{base}/api/v1/cases/{leaf}/chain"
        timed_get(chain_url, hq, 3)
        chain = timed_get(chain_url, hq, args.requests)
        timed_get(f"{base}/api/v1/epicurve?by=onset", hq, 3)
        onset = timed_get(f"{base}/api/v1/epicurve?by=onset", hq, args.requests)
        report = timed_get(f"{base}/api/v1/epicurve?by=report&by_street=1", hq, args.requests)
        copresence_url = (
            f"{base}/api/v1/cases/{traced}/copresence?purpose=%E7%97%85%E4%BE%8B%E6%B5%81%E8%B0%83%E6%8E%92%E6%9F%A5"
        )
        found = len(get_json(copresence_url, hq))
        copresence = timed_get(copresence_url, hq, max(10, args.requests // 5))
    c95, o95, r95, p95 = pct(chain, 95), pct(onset, 95), pct(report, 95), pct(copresence, 95)
    print(f"chain of the {args.cluster}-case cluster: p50 {pct(chain, 50):.1f} ms, p95 {c95:.1f} ms", end="")
    print(f" (raw {raw_chain:.1f} ms)")
    print(f"curve by onset: p50 {pct(onset, 50):.1f} ms, p95 {o95:.1f} ms (raw {raw_curve:.1f} ms)")
    print(f"curve by report, per street: p95 {r95:.1f} ms")
    print(f"co-presence ({found} candidates): p50 {pct(copresence, 50):.1f} ms, p95 {p95:.1f} ms", end="")
    print(f" (raw {raw_copresence:.1f} ms)")
    print(
        f"RESULT database={'sqlite' if args.sqlite else 'postgresql'} people={args.people} cases={total} "
        f"cluster={args.cluster} chain_p95_ms={c95:.1f} curve_onset_p95_ms={o95:.1f} curve_street_p95_ms={r95:.1f} "
        f"raw_chain_ms={raw_chain:.1f} raw_curve_ms={raw_curve:.1f} chain_ratio={c95 / raw_chain:.1f} "
        f"curve_ratio={o95 / raw_curve:.1f} scans={args.scans} passages={args.passages} "
        f"copresence_p95_ms={p95:.1f} raw_copresence_ms={raw_copresence:.1f} "
        f"copresence_ratio={p95 / raw_copresence:.1f}"
    )


if __name__ == "__main__":
    main()
