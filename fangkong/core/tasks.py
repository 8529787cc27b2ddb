from __future__ import annotations

from celery import shared_task

from .jobs import run_registered


@shared_task(name="fangkong.run_job", ignore_result=True)
def run_job(name: str, args: list) -> None:
    """Run a job registered with @jobs.job. A broker message can name only such jobs, and carries ids, never
    personal data (an import's file stays in the database)."""
    run_registered(name, args)
