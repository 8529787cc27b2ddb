"""The Celery app: background jobs go to workers when CELERY_BROKER_URL is set (see core/jobs.py), and `fangkong
beat` (one per installation) sends the periodic commands on the schedule below.

Start a worker with `fangkong worker`, the scheduler with `fangkong beat`.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

app = Celery("fangkong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["fangkong.core"])

# Each runs core.tasks.run_command on a worker. Escalation every three minutes (the hall's clock-driven alerts —
# contact deadlines, late transfers — and overdue tasks and hazards come from it); the portal's content check, the
# audit chain's check and the coming time partitions (core.partitions) hourly; the scanners' signed status list
# (containment's status_list command) every five minutes; the retention purge nightly, in the district's time
# (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    "escalate": {"task": "fangkong.run_command", "schedule": 180.0, "args": ["escalate"]},
    "check-content": {"task": "fangkong.run_command", "schedule": 3600.0, "args": ["check_content"]},
    "verify-audit": {"task": "fangkong.run_command", "schedule": 3600.0, "args": ["verify_audit"]},
    "partitions": {"task": "fangkong.run_command", "schedule": 3600.0, "args": ["partitions"]},
    "status-list": {"task": "fangkong.run_command", "schedule": 300.0, "args": ["status_list"]},
    "purge": {"task": "fangkong.run_command", "schedule": crontab(hour=2, minute=30), "args": ["purge"]},
}
