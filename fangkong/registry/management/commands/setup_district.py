from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fangkong.core.errors import FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for
from fangkong.registry.onboarding import STEPS, Loaded, district_load, sheets_in


class Command(BaseCommand):
    help = (
        "Load a new district's sheets from FOLDER in order — jurisdictions, units, places, staff, residents — as a "
        "district administrator (--as, by default the only one), through the same imports as the pages. Rejected "
        "rows are listed with their row and column; drawn passwords are printed once. Run `fangkong setup` first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder of sheets, e.g. docs/onboarding/sample")
        parser.add_argument("--as", dest="username", default="", help="the administrator the sheets are loaded as")

    def handle(self, *args, folder: str, username: str, **options):
        path = Path(folder)
        if not path.is_dir():
            raise CommandError(f"{folder}: not a folder")
        if not sheets_in(path):
            names = ", ".join(f"{s.names[0]}.csv" for s in STEPS)
            raise CommandError(f"{folder}: no sheet found (looked for {names})")
        actor = self._actor(username)
        rejected = 0

        def report(loaded: Loaded) -> None:
            nonlocal rejected
            r = loaded.result
            self.stdout.write(
                f"{loaded.key} ({loaded.path.name}): {r['created']} created, {r['updated']} updated, "
                f"{r['unchanged']} unchanged, {len(r['rejected'])} rejected"
            )
            for row in r["rejected"]:
                self.stdout.write(f"  row {row['row']} {row['field']}: {row['message']} [{row['code']}]")
            for p in r.get("passwords", []):
                self.stdout.write(f"  password for {p['username']} (shown once): {p['password']}")
            rejected += len(r["rejected"])

        try:
            district_load(actor=actor, folder=path, progress=report)
        except (FieldError, Forbidden) as exc:
            raise CommandError(str(getattr(exc, "message", "") or exc)) from exc
        if rejected:
            raise CommandError(f"{rejected} rows rejected; correct them and run again (loaded rows stay as they are)")

    def _actor(self, username: str):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"--as {username}: no such active user")
            return actor
        admins = [u for u in users.filter(roles__isnull=False).distinct() if _district_admin(u)]
        if len(admins) != 1:
            raise CommandError("name the administrator to load as: --as USERNAME")
        return admins[0]


def _district_admin(user) -> bool:
    return scope_for(user, Cap.REGISTRY_ADMIN).district_wide and scope_for(user, Cap.ACCOUNTS_ADMIN).district_wide
