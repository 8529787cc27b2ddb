#!/usr/bin/env python3
"""The scanners' signed status list at city scale (issue 22, point 3; containment/status_list.py).

    .venv/bin/python bench/status_list.py [--people 1400000] [--marked 0.1] [--stale 5000] [--reuse]

On PostgreSQL (the database `fangkong_bench_status_list` is dropped and recreated unless --reuse): a city of
`--people`, personal codes issued to everyone and every status computed once (as a deployment does); a sealed
zone over whole communities holding about `--marked` of the people, approved (their statuses turn red); then
`--stale` people's statuses invalidated, as a batch of positive pools leaves them for the next reader.
  build   — the list made: the stale statuses settled first, then read, hashed, encoded, signed (timed);
  steady  — made again with nothing stale (what every five minutes costs in a quiet hour);
  checks  — every code (personal code and document hash) of every red or yellow person is found in the list,
            and 20,000 people it leaves unmarked are recomputed from their sources (cases, zones, follow-ups…):
            none may be red or yellow (false_green must be 0); every green person's codes looked up too: the
            share found is the false-positive rate (expected: entries / 2³²);
  raw     — COPY of the same marked codes out of the database (the read alone) and `pgbench -S`, in the same run.
Targets: the list ≤ 10 s to build, ≤ 2 MB as served (JSON). Ends with one line: RESULT name=value …
ratio = the COPY's seconds ÷ the steady build's seconds (1 would be the read alone).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def copy_seconds(expires_at) -> tuple[float, int]:
    """The marked codes read out by COPY: what the build cannot beat."""
    from django.db import connection

    from fangkong.containment.models import PersonStatus
    from fangkong.registry.models import Person, PersonCode

    status, person, codes = PersonStatus._meta.db_table, Person._meta.db_table, PersonCode._meta.db_table
    when = connection.ops.adapt_datetimefield_value(expires_at)
    marked = f"(s.colour IS DISTINCT FROM 'green' OR s.valid_until < '{when}')"
    sql = (
        f"COPY (SELECT c.code FROM {codes} c JOIN {status} s ON s.person_id = c.person_id WHERE {marked} UNION ALL"
        f" SELECT t.doc_hash FROM {person} t JOIN {status} s ON s.person_id = COALESCE(t.merged_into_id, t.id)"
        f" WHERE t.doc_hash <> '' AND {marked}) TO STDOUT"
    )
    n = 0
    with connection.cursor() as c:
        started = time.perf_counter()
        with c.cursor.copy(sql) as copy:
            for row in copy.rows():
                n += len(row)
        return time.perf_counter() - started, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--marked", type=float, default=0.1, help="share of the people red (a sealed zone)")
    parser.add_argument("--stale", type=int, default=5_000, help="statuses invalidated before the build")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_status_list"),
    )
    parser.add_argument("--reuse", action="store_true", help="keep the city seeded by an earlier run")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    from registry import pgbench_select, recreate_database

    if not args.reuse:
        recreate_database(args.database_url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from status import communities_for, fill_statuses

    from fangkong.containment.models import PersonStatus, Zone
    from fangkong.containment.status import status_invalidate
    from fangkong.containment.zones.decisions import zone_approve
    from fangkong.containment.zones.requests import zone_request
    from fangkong.core import clock
    from fangkong.registry.codes import person_codes_issue
    from fangkong.registry.models import Jurisdiction, Person, PersonCode
    from fangkong.site.demo import seed_demo

    users = get_user_model().objects
    if not args.reuse:
        call_command("migrate", verbosity=0)
        print(f"seeding {args.people:,} people …", flush=True)
        seed_demo(people=args.people)
        hq = users.get(username="hq_admin")
        issued = person_codes_issue(actor=hq, jurisdiction_id=Jurisdiction.objects.get(level="district").pk)
        print(f"issued {issued:,} personal codes", flush=True)
        filled, seconds = fill_statuses()
        print(f"initial fill: {filled:,} statuses in {seconds:.0f} s", flush=True)
        communities, inside = communities_for(int(args.people * args.marked))
        zone = zone_request(
            actor=hq, name="bench", level="sealed", basis="bench: a large sealed zone", jurisdictions=communities
        )
        started = time.perf_counter()
        zone_approve(actor=users.get(username="hq_deputy"), zone_id=zone.pk)
        print(f"sealed {inside:,} people in {time.perf_counter() - started:.0f} s", flush=True)
    assert Zone.objects.filter(state=Zone.State.ACTIVE).exists()
    ids = list(PersonStatus.objects.values_list("person_id", flat=True))
    status_invalidate(random.Random(7).sample(ids, min(args.stale, len(ids))))

    from fangkong.containment import status_list

    started = time.perf_counter()
    payload = status_list.status_list_build()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    payload = status_list.status_list_build()
    steady_s = time.perf_counter() - started
    json_bytes = len(json.dumps(payload))
    data_bytes = len(base64.b64decode(payload["data"]))
    print(f"build {build_s:.1f} s (stale settled), steady {steady_s:.1f} s; {payload['count']:,} entries,", end=" ")
    print(f"{json_bytes / 1e6:.2f} MB as JSON ({data_bytes / payload['count']:.2f} bytes an entry)", flush=True)

    # Every red or yellow person's codes found; green ones found only by chance.
    values = set(status_list.decode(base64.b64decode(payload["data"])))
    salt = bytes.fromhex(payload["salt"])
    colour = dict(PersonStatus.objects.values_list("person_id", "colour"))
    code_of = dict(PersonCode.objects.values_list("person_id", "code"))
    false_green = found_green = green_codes = marked_people = 0
    for pid, doc in Person.objects.filter(merged_into__isnull=True).values_list("pk", "doc_hash").iterator(10_000):
        codes = [status_list.normalise(doc)] + ([status_list.normalise(code_of[pid])] if pid in code_of else [])
        hits = [status_list.entry(salt, code) in values for code in codes]
        if colour.get(pid) in ("red", "yellow"):
            marked_people += 1
            false_green += hits.count(False)
        else:
            green_codes += len(codes)
            found_green += hits.count(True)
    fp_rate = found_green / green_codes if green_codes else 0.0
    # The table against the sources: people the list leaves unmarked, recomputed from their sources as a scanner's
    # read would (a stale row the settling missed would show here, not in the check above).
    from fangkong.containment.status import compute

    unmarked = [pid for pid, c in colour.items() if c == "green"]
    probe = random.Random(11).sample(unmarked, min(20_000, len(unmarked)))
    missed = sum(1 for s in compute(probe).values() if s.colour != "green")
    print(f"{len(probe):,} unmarked people recomputed from their sources: {missed} not green", flush=True)
    false_green += missed
    print(f"{marked_people:,} red or yellow: {false_green} codes missing;", end=" ")
    print(f"green codes found: {found_green:,} of {green_codes:,} ({fp_rate:.2e};", end=" ")
    print(f"expected {payload['count'] / 2**32:.2e})", flush=True)

    raw_s, rows = copy_seconds(clock.now() + status_list.timing().valid)
    tps = pgbench_select(args.database_url) or 0.0
    print(f"raw: COPY of the {rows:,} marked codes {raw_s:.2f} s; pgbench -S {tps:,.0f} tps", flush=True)
    people = Person.objects.count()
    print(
        f"RESULT people={people} marked_people={marked_people} entries={payload['count']} build_s={build_s:.2f}"
        f" steady_s={steady_s:.2f} json_bytes={json_bytes} bytes_per_entry={data_bytes / payload['count']:.2f}"
        f" false_green={false_green} fp_rate={fp_rate:.2e} copy_s={raw_s:.2f} pgbench_tps={tps:.0f}"
        f" ratio={raw_s / steady_s:.3f}"
    )


if __name__ == "__main__":
    main()
