from __future__ import annotations

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve fangkong in the foreground: gunicorn worker processes on Linux (a checkpoint rush needs every core; "
        "one Python process uses one), waitress threads elsewhere. Static files by WhiteNoise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, (os.cpu_count() or 1) * 2),
            help="processes (gunicorn; default 2 per core, at most 4)",
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per process")

    def handle(self, *args, port: int, host: str, workers: int, threads: int, **options):
        self.stdout.write(f"fangkong is serving on http://{host}:{port}/  (Ctrl-C stops it)")
        self.stdout.flush()
        try:
            from gunicorn.app.base import BaseApplication
        except ImportError:
            BaseApplication = None
        if BaseApplication is None or workers < 1:
            from waitress import serve

            from fangkong.wsgi import application

            serve(application, host=host, port=port, threads=max(threads * workers, 4), ident="fangkong")
            return

        from fangkong.wsgi import application

        class Gunicorn(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
                self.cfg.set("accesslog", None)
                self.cfg.set("timeout", 120)  # a large roster import runs in a request thread without a broker

            def load(self):
                return application

        Gunicorn().run()
