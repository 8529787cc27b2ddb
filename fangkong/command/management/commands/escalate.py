from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Tell the level above about tasks that went overdue (each once). Run it every few minutes from cron."

    def handle(self, *args, **options):
        from fangkong.command.directives import escalate_overdue

        self.stdout.write(f"{escalate_overdue()} overdue tasks escalated")
