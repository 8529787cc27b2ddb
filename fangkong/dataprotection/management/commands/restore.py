"""`fangkong restore PATH [--into DATABASE_URL] [--replace]` — restore a backup made by `fangkong backup`, into a
new database by default when --into names one (created if missing), else into the configured database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fangkong.dataprotection import backups


class Command(BaseCommand):
    help = "Restore a backup (pg_restore / SQLite backup API) into a database: a new one, or --replace an old one."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file `fangkong backup` wrote")
        parser.add_argument("--into", default="", metavar="DATABASE_URL", help="default: the configured database")
        parser.add_argument("--replace", action="store_true", help="overwrite a database that holds tables")

    def handle(self, *args, **options):
        try:
            result = backups.restore(path=options["path"], into=options["into"] or None, replace=options["replace"])
        except backups.BackupError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        rows = sum(result.tables.values())
        self.stdout.write(f"Restored into {result.target}: {len(result.tables)} tables, {rows:,} rows.")
        if result.key_readable is False:
            self.stderr.write(
                "Warning: this installation's FANGKONG_DATA_KEY does not decrypt the restored ID numbers: the backup "
                "was made under another key. Set the key it was made with, or its numbers and phones stay unreadable."
            )
        elif result.key_readable:
            self.stdout.write("The data key in use decrypts the restored personal data.")
