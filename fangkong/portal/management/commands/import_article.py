from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Import an article from an old site's page (HTML or text, UTF-8 or GBK) as a draft for review: injected "
        "markup and spam dropped, pinyin annotations removed, text read one GBK byte out of step repaired where "
        "that is provable (the rest listed for the editor), Traditional converted to Simplified when detected, "
        'dated from its text. Prints one JSON line: {"id", "title", "dated", "date_guessed", "repaired", '
        '"suspicious"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", help="the editor importing it (default: the first editor)")
        parser.add_argument("--category", help="id, slug or path (default: the page's breadcrumb)")
        conv = parser.add_mutually_exclusive_group()
        conv.add_argument("--simplify", action="store_true", help="always convert to Simplified characters")
        conv.add_argument("--keep-traditional", action="store_true", help="never convert")

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        from fangkong.core.errors import FieldError
        from fangkong.portal.legacy import article_import
        from fangkong.registry.models import RoleAssignment

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
        else:
            a = RoleAssignment.objects.filter(role__in=["portal_editor", "portal_reviewer"]).order_by("pk").first()
            actor = a.user if a else None
        if actor is None:
            raise CommandError("no editor to import as: give --as USERNAME (a portal editor), or seed the demo")
        simplify = True if options["simplify"] else False if options["keep_traditional"] else None
        try:
            article, cleaned = article_import(
                actor=actor, raw=path.read_bytes(), source=path.name, category=options["category"], simplify=simplify
            )
        except FieldError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        line = {
            "id": article.pk,
            "title": article.versions.get().title,
            "dated": cleaned.date.isoformat() if cleaned.date else None,
            "date_guessed": cleaned.date_guessed,
            "repaired": [[f.before, f.after] for f in cleaned.repairs],  # before → after, shown on the draft's page
            "suspicious": [f.before for f in cleaned.suspicions],
        }
        self.stdout.write(json.dumps(line, ensure_ascii=False))
