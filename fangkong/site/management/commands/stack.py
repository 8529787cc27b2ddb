from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fangkong.site import stack


class Command(BaseCommand):
    help = (
        "The production stack on this host from Debian's packages, on loopback: PostgreSQL, PgBouncer, Redis, the "
        "app under Granian (--nodes), a Celery worker and beat, nginx in front. `up` starts what is not running "
        "(installing missing packages as root), `down` stops it all (data kept; --purge removes it), `status` "
        "says how each is (exit status 1 unless all run and /readyz answers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["up", "down", "status"])
        parser.add_argument("--dir", type=Path, help="where the stack lives (default FANGKONG_HOME/stack)")
        parser.add_argument("--port", type=int, help="nginx's port (default 8400); the services take the next 30")
        parser.add_argument("--nodes", type=int, help="app nodes behind nginx (default 1)")
        parser.add_argument("--workers", type=int, help="Granian processes per node (default 1)")
        parser.add_argument("--demo", action="store_true", help="seed the demo district when the database is empty")
        parser.add_argument("--people", type=int, default=2000, help="the demo district's residents (with --demo)")
        parser.add_argument("--purge", action="store_true", help="with down: remove the stack's data as well")

    def handle(self, *args, action: str, dir: Path | None, port, nodes, workers, demo, people, purge, **options):
        directory = (dir or settings.HOME / "stack").resolve()
        try:
            if action == "up":
                layout = self._layout(directory, port=port, nodes=nodes, workers=workers)
                stack.up(layout, self._say, demo_people=people if demo else None)
            elif action == "down":
                layout = stack.Layout.load(directory)
                stack.down(layout, self._say)
                if purge:
                    stack.purge(layout, self._say)
            else:
                ready, rows = stack.status(stack.Layout.load(directory))
                width = max(len(r[0]) for r in rows)
                for name, state, where in rows:
                    self.stdout.write(f"{name:<{width}}  {state:<22}  {where}")
                if not ready:
                    raise SystemExit(1)
        except stack.StackError as exc:
            raise CommandError(str(exc)) from exc

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    @staticmethod
    def _layout(directory: Path, **given) -> stack.Layout:
        """The saved layout, with what was given on this command line changed."""
        try:
            layout = stack.Layout.load(directory)
        except stack.StackError:
            layout = stack.Layout(dir=directory)
        else:
            if given.get("port") not in (None, layout.port):
                # Its PostgreSQL was made on the old port's neighbour, and its URLs name them.
                raise CommandError(
                    f"the stack in {directory} uses port {layout.port}; "
                    "`fangkong stack down --purge` it first to make one on another port"
                )
        for name, value in given.items():
            if value is not None:
                setattr(layout, name, value)
        return layout
