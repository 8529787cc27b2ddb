from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from fangkong.core.errors import FieldError
from fangkong.registry.setup import district_setup


class Command(BaseCommand):
    help = (
        "Set up a fresh installation: the district (its 6-digit administrative division code and name) and its first "
        "administrator (district HQ), who must change the password at the first sign-in. The password is read from "
        "standard input with --password-stdin, else drawn and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="the district's division code, e.g. 211103")
        parser.add_argument("--name", required=True, help="the district's name, e.g. 兴隆台区")
        parser.add_argument("--admin", required=True, help="the first administrator's user name")
        parser.add_argument("--password-stdin", action="store_true", help="read the first password from stdin")

    def handle(self, *args, code: str, name: str, admin: str, password_stdin: bool, **options):
        password = sys.stdin.readline().rstrip("\n") if password_stdin else ""
        try:
            done = district_setup(code=code, name=name, admin_username=admin, admin_password=password)
        except FieldError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        self.stdout.write(f"district {done.district.code} {done.district.name} set up")
        self.stdout.write(f"administrator {admin} (district HQ); sign in and choose a new password")
        if not password_stdin:
            self.stdout.write(f"first password (shown once): {done.password}")
