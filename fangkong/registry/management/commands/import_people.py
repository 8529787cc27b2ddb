from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fangkong.core.errors import FieldError
from fangkong.core.scoping import Forbidden
from fangkong.registry.importing import people_import


class Command(BaseCommand):
    help = "Import a residents roster (.xlsx or .csv in UTF-8/GBK) as the given user, within their jurisdiction."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", default="hq_admin", help="the acting user (default hq_admin)")

    def handle(self, *args, file: str, username: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"no such user: {username}") from exc
        try:
            result = people_import(
                actor=user,
                filename=path.name,
                content=path.read_bytes(),
                progress=lambda phase, done, total: self.stderr.write(f"{phase} {done}/{total}"),
            )
        except FieldError as exc:
            raise CommandError(f"{path.name}: row {exc.row or '-'}, {exc.field}: {exc.message}") from exc
        except Forbidden as exc:
            raise CommandError(f"{username} may not import people") from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"rejected {len(result.rejected)}"
        )
        for r in result.rejected:
            self.stdout.write(f"  row {r['row']}: {r['field']}: {r['message']}")
