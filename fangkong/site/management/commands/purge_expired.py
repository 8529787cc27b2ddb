from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "The old name of `fangkong purge`: delete or anonymise data past its retention period. Run daily."

    def handle(self, *args, **options):
        # The data-protection app owns the command; this old name only hands over to it.
        call_command("purge", stdout=self.stdout, stderr=self.stderr)
