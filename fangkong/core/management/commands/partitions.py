"""`fangkong partitions`: make today's partitions and the next ones of the partitioned tables, then list them
(PostgreSQL; core.partitions). Celery beat runs it hourly and every purge first; run it by hand after a long stop."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from fangkong.core import clock, partitions


class Command(BaseCommand):
    help = "Make the coming partitions of the high-volume tables and show them (PostgreSQL only)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("partitions: the embedded database has none (PostgreSQL only)")
            return
        made = partitions.ensure()
        for name in made:
            self.stdout.write(f"partitions: made {name}")
        for entry in partitions.registered():
            if not partitions.is_partitioned(entry.table):
                self.stdout.write(f"{entry.table}: not partitioned (run migrate)")
                continue
            parts = partitions.partitions(entry.table)
            held = partitions.default_rows(entry.table)
            last = parts[-1].hi if parts else None
            if last is None:
                span = "-"
            elif isinstance(last, int):
                span = f"round {last - 1}"
            else:
                span = str(clock.localtime(last))
            self.stdout.write(
                f"{entry.table}: {len(parts)} partitions by {entry.step}, until {span}; {held} rows in the default"
            )
