from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve fangkong in the foreground with waitress (a production WSGI server; static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port: int, host: str, threads: int, **options):
        from waitress import serve

        from fangkong.wsgi import application

        self.stdout.write(f"fangkong is serving on http://{host}:{port}/  (Ctrl-C stops it)", ending="\n")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="fangkong")
