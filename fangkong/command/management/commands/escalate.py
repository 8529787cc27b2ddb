from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Tell people about what went overdue (each once): tasks to the level above; hazards' rectifications and "
        "reviews to the enterprise, its regulators and district HQ. Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        from fangkong.command.directives import escalate_overdue
        from fangkong.safety.escalation import escalate_hazards

        self.stdout.write(f"{escalate_overdue()} overdue tasks escalated")
        self.stdout.write(f"{escalate_hazards()} overdue hazards announced")
