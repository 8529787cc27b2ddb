from __future__ import annotations

from django.core.management.base import BaseCommand

from fangkong.retention import purge_all


class Command(BaseCommand):
    help = "Delete data past its retention period (passages, stored API replies). Run daily."

    def handle(self, *args, **options):
        for name, count in purge_all().items():
            self.stdout.write(f"{name}: {count} deleted")
