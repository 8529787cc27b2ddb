"""`fangkong purge [--dry-run]` — delete or anonymise personal data past the district's retention periods (run it
daily). `fangkong purge --end-of-emergency --confirm <district code> [--report FILE]` — destroy every record of
the emergency that concerns a person."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.core.errors import FieldError
from fangkong.dataprotection import services


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data past its retention period (run daily); with --end-of-emergency, destroy "
        "all epidemic personal data (confirm with the district's code)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would go; change nothing")
        parser.add_argument("--only", action="append", metavar="CLASS", help="only this class (repeatable)")
        parser.add_argument("--end-of-emergency", action="store_true", help="destroy all epidemic personal data")
        parser.add_argument("--confirm", default="", metavar="DISTRICT_CODE", help="the district's code")
        parser.add_argument("--report", default="", metavar="FILE", help="also write the report as JSON to FILE")

    def handle(self, *args, **options):
        if options["end_of_emergency"]:
            self._end_of_emergency(options)
            return
        try:
            results = services.purge_run(dry_run=options["dry_run"], only=options["only"])
        except FieldError as exc:
            raise CommandError(f"{exc.field}: {exc.message} [{exc.code}]") from exc
        suffix = " (dry run: nothing changed)" if options["dry_run"] else ""
        for r in results:
            if r.error:
                self.stderr.write(f"{r.key}: FAILED {r.error}")
                continue
            done = ", ".join(f"{n} {what}" for what, n in r.counts.items())
            before = timezone.localtime(r.before)
            self.stdout.write(f"{r.key}: {done} (period {r.days} days: before {before:%Y-%m-%d %H:%M}){suffix}")
        if not options["dry_run"] and not options["only"]:
            from fangkong.dataprotection.housekeeping import housekeeping

            for name, n in housekeeping().items():
                self.stdout.write(f"{name}: {n} deleted")
        failed = [r.key for r in results if r.error]
        if failed:
            raise CommandError(f"purging failed for: {', '.join(failed)} (the others ran; see the log)")

    def _end_of_emergency(self, options):
        dry_run = options["dry_run"]
        confirm = options["confirm"] or (services.district_code() if dry_run else "")
        try:
            report = services.emergency_end(confirm=confirm, dry_run=dry_run)
        except FieldError as exc:
            raise CommandError(
                f"{exc.message} [{exc.code}] — run: fangkong purge --end-of-emergency --confirm <district code>"
            ) from exc
        verb = "would destroy (dry run: nothing changed)" if dry_run else "destroyed"
        at = timezone.localtime(report.at)
        self.stdout.write(f"End of the emergency, district {report.district}, {at:%Y-%m-%d %H:%M %Z}: {verb}")
        for module, tables in report.counts.items():
            for table, n in tables.items():
                self.stdout.write(f"  {module}.{table}: {n}")
        self.stdout.write(f"Total: {report.total} records.")
        if not dry_run:
            self.stdout.write(
                "Their daily counts per jurisdiction are kept (dataprotection daily counts); the audit trail holds "
                "this report (action emergency.end)."
            )
        if options["report"]:
            path = Path(options["report"])
            path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"Report written to {path}")
