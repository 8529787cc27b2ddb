"""`fangkong backup [--output PATH]` — a consistent copy of the whole database (pg_dump -Fc on PostgreSQL, SQLite's
online backup API for the embedded database). The data key is not in it: keep it apart."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.dataprotection import backups


class Command(BaseCommand):
    help = "Back up the whole database to a file (readable by its owner only). FANGKONG_DATA_KEY is not in it."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="", metavar="PATH", help="default: FANGKONG_HOME/backups/…")
        parser.add_argument(
            "--prune-days",
            type=int,
            default=0,
            metavar="N",
            help="then delete this directory's backups older than N days",
        )

    def handle(self, *args, **options):
        try:
            result = backups.backup(output=Path(options["output"]) if options["output"] else None)
        except backups.BackupError as exc:
            raise CommandError(f"{exc} [{exc.code}]") from exc
        self.stdout.write(f"{result.engine} backup written to {result.path} ({result.size:,} bytes)")
        self.stdout.write(backups.KEY_NOTE)
        if options["prune_days"]:
            try:
                gone = backups.prune(directory=result.path.parent, keep_days=options["prune_days"], spare=result.path)
            except backups.BackupError as exc:
                raise CommandError(f"{exc} [{exc.code}]") from exc
            for old in gone:
                self.stdout.write(f"deleted the old backup {old}")
        key_file = settings.HOME / "fangkong_data_key"
        if key_file.exists() and key_file.parent in result.path.resolve().parents:
            self.stderr.write(
                f"Warning: the data key of this installation is a file ({key_file}) beside the backup; store the "
                "backup elsewhere, or copy it off this directory without the key."
            )
