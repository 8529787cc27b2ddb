"""The Celery app: background jobs go to workers when CELERY_BROKER_URL is set (see core/jobs.py).

Start a worker with `fangkong worker`.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

app = Celery("fangkong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["fangkong.core"])
