from __future__ import annotations

import io

from celery import shared_task
from django.core.management import call_command

from .jobs import run_registered


@shared_task(name="fangkong.run_job", ignore_result=True)
def run_job(name: str, args: list) -> None:
    """Run a job registered with @jobs.job. A broker message can name only such jobs, and carries ids, never
    personal data (an import's file stays in the database)."""
    run_registered(name, args)


# What Celery beat runs (settings.CELERY_BEAT_SCHEDULE): the platform's periodic commands, by name from this list
# only. Each is safe to run twice at once (escalate's sweeps take an advisory lock; purge and the checks are
# idempotent), so a second beat by mistake costs work, not harm.
PERIODIC_COMMANDS = frozenset({"escalate", "purge", "check_content", "verify_audit"})


@shared_task(name="fangkong.run_command", ignore_result=True)
def run_command(name: str) -> None:
    if name not in PERIODIC_COMMANDS:
        raise ValueError(f"{name} is not a periodic command")
    call_command(name, stdout=io.StringIO())
