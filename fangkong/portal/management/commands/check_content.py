from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Report published articles whose stored text no longer matches the approved version (defacement, injected "
        "spam); with --restore put the approved text back. Exit status 1 when something is wrong and not restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--restore", action="store_true", help="restore the approved text (audited)")
        parser.add_argument("--json", action="store_true", help="one JSON line per finding")

    def handle(self, *args, **options):
        from fangkong.portal.integrity import check

        findings = check(restore=options["restore"])
        for f in findings:
            if options["json"]:
                self.stdout.write(json.dumps(f.__dict__, ensure_ascii=False))
            else:
                done = f" → restored ({f.restored})" if f.restored else ""
                self.stdout.write(f"article {f.article_id} «{f.title}»: {f.problem}{done}")
        if not options["json"]:
            self.stdout.write(f"{len(findings)} published article(s) altered")
        if findings and not options["restore"]:
            raise SystemExit(1)
