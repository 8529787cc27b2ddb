"""Make the scanners' signed status list now (Celery beat runs it every few minutes; containment.status_list)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fangkong.containment.status_list import status_list_refresh


class Command(BaseCommand):
    help = "Make the scanners' signed status list of the codes that are not green, and keep it for them."

    def handle(self, *args, **options):
        payload = status_list_refresh()
        if payload is None:
            self.stdout.write("status list: another process is making it")
            return
        count, size, issued = payload["count"], len(payload["data"]), payload["issued_at"]
        self.stdout.write(f"status list: {count} entries, {size:,} bytes of data, issued {issued}")
