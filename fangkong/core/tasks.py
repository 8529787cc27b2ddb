from __future__ import annotations

import io
import logging

from celery import shared_task
from django.core.management import CommandError, call_command

from .jobs import run_registered


@shared_task(name="fangkong.run_job", ignore_result=True)
def run_job(name: str, args: list) -> None:
    """Run a job registered with @jobs.job. A broker message can name only such jobs, and carries ids, never
    personal data (an import's file stays in the database)."""
    run_registered(name, args)


# What Celery beat runs (core/celery_app.py's beat_schedule): the platform's periodic commands, by name from this
# list only. Each is safe to run twice at once (escalate's sweeps take an advisory lock; purge and the checks are
# idempotent), so a second beat by mistake costs work, not harm.
PERIODIC_COMMANDS = frozenset({"escalate", "purge", "check_content", "verify_audit", "partitions", "status_list"})

log = logging.getLogger(__name__)


@shared_task(name="fangkong.run_command", ignore_result=True)
def run_command(name: str) -> bool:
    """Run one periodic command; what it prints goes to the log. A command that finds something wrong (the content
    check's altered pages, a broken audit chain: exit status 1 from the command line) logs it as an error for the
    log's alerting, and the worker carries on."""
    if name not in PERIODIC_COMMANDS:
        raise ValueError(f"{name} is not a periodic command")
    out = io.StringIO()
    try:
        call_command(name, stdout=out, stderr=out)
    except (SystemExit, CommandError) as exc:
        log.error("periodic command %s failed (%s):\n%s", name, exc, out.getvalue())
        return False
    log.info("periodic command %s:\n%s", name, out.getvalue())
    return True
