from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Recount the summaries the command hall reads (arrivals per day, residents per jurisdiction, the daily "
        "trends) from the records themselves: after a bulk load past the services, or a restore."
    )

    def handle(self, *args, **options):
        from fangkong.core.daily import rebuild_everything

        for name, rows in rebuild_everything().items():
            self.stdout.write(f"{name}: {rows} rows")
