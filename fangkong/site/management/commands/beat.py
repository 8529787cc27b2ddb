from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run Celery beat, which sends the periodic commands (escalate every 3 minutes, the content and audit checks "
        "hourly, the purge nightly) to the workers. One per installation (needs CELERY_BROKER_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schedule", help="file where beat remembers the last runs (default FANGKONG_HOME)")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, schedule: str | None, loglevel: str, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("CELERY_BROKER_URL is not set: run the periodic commands from cron instead.")
        from fangkong.core.celery_app import app

        path = schedule or str(settings.HOME / "celerybeat-schedule")
        app.start(["beat", f"--schedule={path}", f"--loglevel={loglevel}"])
