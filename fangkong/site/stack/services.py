"""Each service of the stack: started if it is not running, stopped in the reverse order, and asked how it is."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

from . import configs
from .base import (
    Layout,
    StackError,
    app_env,
    as_root,
    ensure_programs,
    pid_of,
    secret,
    spawn,
    stop_group,
    wait_http,
    wait_until,
    which,
)
from .database import bouncer_dir, pg_running, pgbouncer_down, pgbouncer_up, postgres_down, postgres_up

Out = Callable[[str], None]
FANGKONG = "fangkong.cli"  # in the command line of every process the stack starts of its own


# --- Redis -----------------------------------------------------------------------------------------------------


def redis_up(layout: Layout, out: Out) -> None:
    pidfile = layout.path("run", "redis.pid")
    if pid_of(pidfile, "redis-server"):
        out("redis: running")
        return
    for sub in ("redis", "run", "log"):
        layout.path(sub).mkdir(parents=True, exist_ok=True)
    # The password on stdin's stead: a config file (0600), so that it is on no command line.
    conf = configs.write(
        layout.path("redis", "redis.conf"),
        "\n".join(
            [
                "bind 127.0.0.1",
                f"port {layout.redis_port}",
                "daemonize yes",
                f"pidfile {pidfile}",
                f"dir {layout.path('redis')}",
                f"logfile {layout.path('log', 'redis.log')}",
                f"requirepass {secret(layout, 'redis_password')}",
                # Sessions are also in the database and jobs are re-sent from it: an append-only file each second
                # keeps queued jobs across a restart at little cost.
                "appendonly yes",
                "appendfsync everysec",
                'save ""',
                "maxmemory-policy noeviction",
                "",
            ]
        ),
        0o600,
    )
    subprocess.run([which("redis-server"), str(conf)], check=True)
    wait_until(lambda: pid_of(pidfile, "redis-server") is not None, timeout=10, what="redis")
    out(f"redis: started on 127.0.0.1:{layout.redis_port}")


def redis_down(layout: Layout, out: Out) -> None:
    pid = pid_of(layout.path("run", "redis.pid"), "redis-server")
    if pid:
        os.kill(pid, signal.SIGTERM)
        wait_until(
            lambda: pid_of(layout.path("run", "redis.pid"), "redis-server") is None, timeout=15, what="redis's stop"
        )
        out("redis: stopped")


# --- the platform ----------------------------------------------------------------------------------------------


def manage(layout: Layout, *args: str, database: str = "owner_url") -> None:
    """A management command with the stack's settings (migrations as the owner, directly — not through PgBouncer)."""
    env = app_env(layout, database=database)
    result = subprocess.run(
        [sys.executable, "-m", "fangkong.cli", *args], env=env, cwd=layout.dir, capture_output=True, text=True
    )
    if result.returncode:
        raise StackError(f"fangkong {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def platform_up(layout: Layout, out: Out, *, demo_people: int | None) -> None:
    for sub in ("home", "media", "static"):
        layout.path(sub).mkdir(parents=True, exist_ok=True)
    manage(layout, "migrate", "--no-input", "-v", "0")
    manage(layout, "collectstatic", "--no-input", "-v", "0")
    out("platform: migrated, static files collected")
    if demo_people is not None:
        manage(layout, "seed-demo", "--if-empty", "--people", str(demo_people))
        out(f"platform: demo district seeded ({demo_people} people) unless one was there")
    for n in range(1, layout.nodes + 1):
        name = f"app{n}"
        if pid_of(layout.path("run", f"{name}.pid"), FANGKONG):
            out(f"{name}: running")
            continue
        port = layout.node_port(n)
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(layout.workers)]
        spawn(layout, name, [*args, "--threads", "8"], app_env(layout))
        wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60, what=name, log=layout.path("log", f"{name}.log"))
        out(f"{name}: Granian on 127.0.0.1:{port}")
    # The workers and beat connect directly: a job's long transactions and the purge's advisory lock need a
    # session of their own, which transaction pooling does not give.
    for name, args in (("worker", ["worker", "--concurrency", "2"]), ("beat", ["beat"])):
        if pid_of(layout.path("run", f"{name}.pid"), FANGKONG):
            out(f"{name}: running")
            continue
        extra = ["--schedule", str(layout.path("home", "celerybeat-schedule"))] if name == "beat" else []
        spawn(layout, name, [*args, *extra], app_env(layout, database="direct_url"))
        out(f"{name}: started")


def platform_down(layout: Layout, out: Out) -> None:
    # Every node started, also those a smaller --nodes has since taken out of nginx's rotation.
    nodes = sorted((p.stem for p in layout.path("run").glob("app*.pid")), reverse=True)
    for name in ["beat", "worker", *nodes]:
        pid = pid_of(layout.path("run", f"{name}.pid"), FANGKONG)
        if pid:
            stop_group(pid)
            out(f"{name}: stopped")


# --- nginx -----------------------------------------------------------------------------------------------------


def nginx_up(layout: Layout, out: Out) -> None:
    directory = layout.path("nginx")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    servers = "\n".join(
        f"        server 127.0.0.1:{layout.node_port(n)} max_fails=2 fail_timeout=5s;"
        for n in range(1, layout.nodes + 1)
    )
    conf = configs.write(
        directory / "nginx.conf",
        configs.NGINX.format(
            # Started by root, nginx's workers would run as nobody, who may not read the stack's directory.
            user="user root;\n" if as_root() else "",
            run=layout.path("run"),
            log=layout.path("log"),
            tmp=directory / "tmp",
            servers=servers,
            listen=f"127.0.0.1:{layout.port}",
            static=layout.path("static"),
        ),
    )
    nginx = which("nginx")
    pid = pid_of(layout.path("run", "nginx.pid"), "nginx")
    check = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(directory)], capture_output=True, text=True)
    if check.returncode:
        raise StackError(f"nginx's configuration is refused: {check.stderr.strip()}")
    if pid:
        os.kill(pid, signal.SIGHUP)  # the new configuration (nodes added or removed), without dropping requests
        out("nginx: reloaded")
    else:
        subprocess.run([nginx, "-c", str(conf), "-p", str(directory)], check=True)
        out(f"nginx: http://127.0.0.1:{layout.port}/")


def nginx_down(layout: Layout, out: Out) -> None:
    pid = pid_of(layout.path("run", "nginx.pid"), "nginx")
    if pid:
        os.kill(pid, signal.SIGQUIT)  # graceful: the open requests finish
        wait_until(lambda: pid_of(layout.path("run", "nginx.pid"), "nginx") is None, timeout=20, what="nginx's stop")
        out("nginx: stopped")


# --- the whole ---------------------------------------------------------------------------------------------------


def up(layout: Layout, out: Out = print, *, demo_people: int | None = None) -> None:
    ensure_programs(out)
    layout.dir.mkdir(parents=True, exist_ok=True)
    layout.save()
    postgres_up(layout, out)
    pgbouncer_up(layout, out)
    redis_up(layout, out)
    platform_up(layout, out, demo_people=demo_people)
    nginx_up(layout, out)
    wait_http(f"http://127.0.0.1:{layout.port}/readyz", timeout=30, what="the stack", log=layout.path("log"))
    out(f"ready: http://127.0.0.1:{layout.port}/")


def down(layout: Layout, out: Out = print) -> None:
    """Every service stopped, in reverse order; one that will not stop is named and the others are stopped still."""
    failed = []
    for step in (nginx_down, platform_down, redis_down, pgbouncer_down, postgres_down):
        try:
            step(layout, out)
        except (StackError, OSError) as exc:
            out(f"{step.__name__}: {exc}")
            failed.append(step.__name__)
    if failed:
        raise StackError(f"not stopped cleanly: {', '.join(failed)} (see above)")


def status(layout: Layout) -> tuple[bool, list[tuple[str, str, str]]]:
    """(all running, rows of service, state, where)."""
    rows: list[tuple[str, str, str]] = []

    def row(name: str, pid: int | None, where: str) -> None:
        rows.append((name, f"running (pid {pid})" if pid else "stopped", where))

    row("postgresql", pg_running(layout), f"127.0.0.1:{layout.pg_port}")
    row("pgbouncer", pid_of(bouncer_dir(layout) / "pgbouncer.pid", "pgbouncer"), f"127.0.0.1:{layout.bouncer_port}")
    row("redis", pid_of(layout.path("run", "redis.pid"), "redis-server"), f"127.0.0.1:{layout.redis_port}")
    for n in range(1, layout.nodes + 1):
        row(f"app{n}", pid_of(layout.path("run", f"app{n}.pid"), FANGKONG), f"127.0.0.1:{layout.node_port(n)}")
    row("worker", pid_of(layout.path("run", "worker.pid"), FANGKONG), "celery")
    row("beat", pid_of(layout.path("run", "beat.pid"), FANGKONG), "celery beat")
    row("nginx", pid_of(layout.path("run", "nginx.pid"), "nginx"), f"http://127.0.0.1:{layout.port}/")
    running = all(state.startswith("running") for _n, state, _w in rows)
    rows.append(("readyz", *_readyz(layout)))
    return running and rows[-1][1] == "ready", rows


def _readyz(layout: Layout) -> tuple[str, str]:
    url = f"http://127.0.0.1:{layout.port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return "ready", json.dumps(json.loads(reply.read()), ensure_ascii=False)
    except urllib.error.HTTPError as exc:
        return f"not ready ({exc.code})", exc.read().decode(errors="replace")[:200]
    except OSError as exc:
        return "not answering", str(exc)


def purge(layout: Layout, out: Out = print) -> None:
    """Everything the stack wrote: its directory and PostgreSQL's (after `down`)."""
    for directory in (layout.pg_dir, layout.dir):
        if directory.exists():
            shutil.rmtree(directory)
    out(f"removed {layout.dir}")
