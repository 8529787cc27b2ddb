from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The old name of `fangkong purge`: delete or anonymise data past its retention period. Run daily."

    def handle(self, *args, **options):
        # By name, not by import: core sits beneath the data-protection app that owns the command.
        call_command("purge", stdout=self.stdout, stderr=self.stderr)
