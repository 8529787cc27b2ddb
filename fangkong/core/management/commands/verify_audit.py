"""`fangkong verify-audit`: seal what is unsealed, then walk the audit chain and report the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import auditchain


class Command(BaseCommand):
    help = "Check that no audit event was altered, removed or cut off the end (exit 1 if one was)."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="check only; do not seal pending events first")
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="a head recorded outside the database (the 'audit chain head seq=… hash=…' log lines): the chain "
            "must still reach it with that hash; repeatable",
        )

    def handle(self, *args, **options):
        sealed = 0 if options["no_seal"] else auditchain.seal()
        anchors = []
        for anchor in options["anchor"]:
            seq, _sep, digest = anchor.partition(":")
            if not seq.isascii() or not seq.isdigit() or len(digest) != 64:
                raise CommandError(f"--anchor takes SEQ:HASH, not {anchor!r}")
            anchors.append((int(seq), digest))
        verdict = auditchain.verify(anchors=tuple(anchors))
        self.stdout.write(f"checked {verdict.checked} events; sealed now {sealed}; still unsealed {verdict.unsealed}")
        if not verdict.ok:
            for problem in verdict.problems:
                self.stderr.write(f"BROKEN: {problem}")
            raise CommandError(f"the audit chain is broken at event #{verdict.broken_at}")
        self.stdout.write("the audit chain is intact")
