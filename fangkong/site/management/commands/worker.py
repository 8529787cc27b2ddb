from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0)."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, concurrency: int, loglevel: str, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("CELERY_BROKER_URL is not set: jobs run inside the web process, no worker needed.")
        from fangkong.core.celery_app import app

        app.worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}"])
