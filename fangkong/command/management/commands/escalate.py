from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Tell people about what went overdue (each once): tasks to the level above; hazards' rectifications and "
        "reviews to the enterprise, its regulators and district HQ; and raise the command hall's alerts that come "
        "from the clock (contact deadlines missed, transfers late). Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        from fangkong.command.directives import escalate_overdue
        from fangkong.core.alerts import sweep_all
        from fangkong.safety.escalation import escalate_hazards

        self.stdout.write(f"{escalate_overdue()} overdue tasks escalated")
        self.stdout.write(f"{escalate_hazards()} overdue hazards announced")
        for name, n in sweep_all().items():
            self.stdout.write(f"{n} hall alerts raised by {name}")
