from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.registry.models import Jurisdiction
from fangkong.registry.seeding import AlreadySeeded
from fangkong.site.demo import seed_demo


class Command(BaseCommand):
    help = "Seed the demo district 兴隆台区 with N synthetic residents and the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000, help="number of residents (default 20000)")
        parser.add_argument("--fresh", action="store_true", help="replace an existing demo district")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if a district exists already")

    def handle(self, *args, people: int, fresh: bool, if_empty: bool, **options):
        if people < 1:
            raise CommandError("--people must be at least 1")
        if fresh and settings.PRODUCTION:
            # --fresh deletes the district first: on a production database that is every real record.
            raise CommandError("seed-demo --fresh refuses to run in production (FANGKONG_ENV=production)")
        if if_empty and Jurisdiction.objects.exists():
            self.stdout.write("The demo district is already seeded (use `fangkong seed-demo --fresh` to replace it).")
            self._print_logins()
            return
        try:
            report = seed_demo(people=people, fresh=fresh, progress=self.stdout.write)
        except AlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded 兴隆台区: {report.people} residents in {report.households} households, "
                f"{report.communities} communities, {report.villages} villages, {report.grids} grids, "
                f"{report.units} units in {report.seconds:.1f} s "
                f"({report.people / max(report.seconds, 1e-9):,.0f} residents/s)"
            )
        )
        self._print_logins()

    def _print_logins(self):
        from fangkong.registry.seeding import DEMO_USERS

        password = settings.FANGKONG["DEMO_PASSWORD"]
        self.stdout.write(f"\nDemo logins (password: {password}):")
        for username, _role, _where, description in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {description}")
        self.stdout.write("")
