#!/usr/bin/env python3
"""Command at scale: the report completeness view over a year of daily reports from every community, and a
street's task list with 100,000 tasks.

    .venv/bin/python bench/command.py [--people 1400000] [--tasks 100000] [--requests 200]

On PostgreSQL (`fangkong_bench_command` is dropped and recreated) with `fangkong serve` on this machine:
  setup        — the demo city; a daily report assigned to all 119 communities and villages, a year (365 days)
                 of submissions (about 5 % missing, 10 % late); `--tasks` directives each with one task for the
                 first street (written with COPY: setup, not measured);
  completeness — GET /api/v1/reports/completeness over the 365 days, as district HQ: p50/p95;
  tasks        — GET /api/v1/tasks (first page) as that street's officer, and the task page /command/: p50/p95;
  raw          — `pgbench -S` in the same run.
Target (2 cores): p95 ≤ 200 ms for each. Ends with one line: RESULT name=value ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def seed_reports(days: int) -> tuple[int, int]:
    """A daily report for every community and village; `days` of submissions ending yesterday."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from fangkong.command.models import ReportAssignment, ReportSubmission, ReportTemplate
    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import Jurisdiction

    hq = get_user_model().objects.get(username="hq_admin")
    district = Jurisdiction.objects.get(level="district")
    template = ReportTemplate.objects.create(
        name="疫情防控日报",
        fields=[{"key": "arrivals", "label": "返乡人数", "type": "number", "choices": [], "required": True}],
        due_time=dtime(16, 0),
        created_by=hq,
        jpath=district.path,
    )
    today = clock.localdate()
    first = today - timedelta(days=days)
    communities = list(Jurisdiction.objects.filter(level="community").order_by("path"))
    assignments = ReportAssignment.objects.bulk_create(
        ReportAssignment(template=template, jurisdiction=c, since=first, jpath=c.path) for c in communities
    )
    rng = random.Random(7)
    tz = timezone.get_default_timezone()

    def rows():
        for a in assignments:
            for d in range(days):
                day = first + timedelta(days=d)
                if rng.random() < 0.05:
                    continue  # missing
                due = timezone.make_aware(datetime.combine(day, dtime(16, 0)), tz)
                late = rng.random() < 0.10
                at = (
                    due + timedelta(minutes=rng.randrange(5, 600))
                    if late
                    else due - timedelta(minutes=rng.randrange(5, 400))
                )
                yield (a.pk, day, json.dumps({"arrivals": rng.randrange(0, 40)}), False, at, hq.pk, due)

    n = write_rows(
        ReportSubmission._meta.db_table,
        ["assignment_id", "period", "values", "zero", "submitted_at", "submitted_by_id", "due_at"],
        rows(),
    )
    return template.pk, n


def seed_tasks(n: int) -> int:
    """n directives from HQ, each with one task for the first street (the street officer's)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from fangkong.command.models import Directive, Task
    from fangkong.core import clock
    from fangkong.core.bulk import write_rows
    from fangkong.registry.models import RoleAssignment

    hq = get_user_model().objects.get(username="hq_admin")
    street = RoleAssignment.objects.get(user__username="street_officer").jurisdiction
    now = clock.now()
    rng = random.Random(3)
    write_rows(
        Directive._meta.db_table,
        ["title", "body", "evidence", "deadline", "issued_by_id", "issued_at", "jpath"],
        (
            (f"任务 {i}", "", "", now + timedelta(hours=rng.randrange(-2000, 200)), hq.pk, now, "211103/")
            for i in range(n)
        ),
    )
    ids = list(Directive.objects.order_by("pk").values_list("pk", "deadline"))
    states = ["open", "acknowledged", "done"]
    write_rows(
        Task._meta.db_table,
        ["directive_id", "jurisdiction_id", "deadline", "state", "done_note", "jpath"],
        ((pk, street.pk, deadline, rng.choice(states), "", street.path) for pk, deadline in ids),
    )
    with connection.cursor() as c:
        c.execute("ANALYZE command_task; ANALYZE command_directive; ANALYZE command_reportsubmission")
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_400_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8126)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fangkong_bench_command"),
    )
    args = parser.parse_args()
    from common import fresh_city, login, pct, server, timed_get
    from registry import pgbench_select

    fresh_city(args.database_url, args.people)
    from fangkong.core import clock

    template_id, reports = seed_reports(args.days)
    tasks = seed_tasks(args.tasks)
    print(f"{reports:,} report submissions, {tasks:,} tasks", flush=True)
    pgbench_tps = pgbench_select(args.database_url)
    tmp = tempfile.mkdtemp(prefix="fangkong-bench-")
    today = clock.localdate()
    since = today - timedelta(days=args.days)
    with server(port=args.port, workers=2, threads=2, log=Path(tmp) / "server.log", home=tmp) as base:
        hq, street = login(base, "hq_admin"), login(base, "street_officer")
        url = f"{base}/api/v1/reports/completeness?template_id={template_id}&since={since}&until={today}"
        timed_get(url, hq, 5)
        completeness = timed_get(url, hq, args.requests)
        timed_get(f"{base}/api/v1/tasks", street, 5)
        task_list = timed_get(f"{base}/api/v1/tasks", street, args.requests)
        task_page = timed_get(f"{base}/api/v1/tasks?page=50", street, args.requests)
    c50, c95 = pct(completeness, 50), pct(completeness, 95)
    t50, t95 = pct(task_list, 50), pct(task_list, 95)
    p95 = pct(task_page, 95)
    print(f"completeness over {args.days} days × 119: p50 {c50:.1f} ms, p95 {c95:.1f} ms", flush=True)
    print(f"a street's tasks ({tasks:,}), first page: p50 {t50:.1f} ms, p95 {t95:.1f} ms; page 50: p95 {p95:.1f} ms")
    print(
        f"RESULT people={args.people} reports={reports} tasks={tasks} completeness_p50_ms={c50:.1f} "
        f"completeness_p95_ms={c95:.1f} tasks_p50_ms={t50:.1f} tasks_p95_ms={t95:.1f} tasks_page50_p95_ms={p95:.1f} "
        f"pgbench_select_tps={pgbench_tps or 0:.0f}"
    )


if __name__ == "__main__":
    main()
