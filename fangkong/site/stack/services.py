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
from pathlib import Path

from . import configs
from .base import (
    Layout,
    StackError,
    _as_postgres,
    _as_root,
    _pg_bindir,
    _pid,
    _secret,
    _spawn,
    _stop_group,
    _wait,
    _wait_http,
    _which,
    app_env,
    ensure_programs,
)

Out = Callable[[str], None]


# --- PostgreSQL ------------------------------------------------------------------------------------------------


def _pg_data(layout: Layout) -> Path:
    return layout.pg_dir / "data"


def _pg_running(layout: Layout) -> int | None:
    return _pid(_pg_data(layout) / "postmaster.pid")


def _connect(layout: Layout, *, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host="127.0.0.1",
        port=layout.pg_port,
        user="postgres",
        password=_secret(layout, "pg_superuser_password"),
        dbname=dbname,
        autocommit=True,
        connect_timeout=5,
    )


def postgres_up(layout: Layout, out: Out) -> None:
    bindir = _pg_bindir()
    data = _pg_data(layout)
    layout.pg_dir.mkdir(parents=True, exist_ok=True)
    if _as_root():
        shutil.chown(layout.pg_dir, "postgres", "postgres")
        layout.pg_dir.chmod(0o700)
    if not (data / "PG_VERSION").exists():
        out(f"postgresql: a new cluster in {data}")
        pwfile = configs.write(layout.pg_dir / "pwfile", _secret(layout, "pg_superuser_password"), 0o600)
        if _as_root():
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    f"--pwfile={pwfile}",
                    "--auth-local=peer" if _as_root() else "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        pwfile.unlink()
        conf = configs.POSTGRESQL.format(port=layout.pg_port, socket=layout.pg_dir)
        with open(data / "postgresql.conf", "a") as f:
            f.write(conf)
    if _pg_running(layout):
        out("postgresql: running")
    else:
        log = layout.pg_dir / "postgresql.log"
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"]
        subprocess.run(_as_postgres(pg_ctl), check=True, stdout=subprocess.DEVNULL)
        out(f"postgresql: started on 127.0.0.1:{layout.pg_port}")
    _roles(layout)


def _roles(layout: Layout) -> None:
    """The owner (migrations) and the app's role (rows only), once; their passwords kept in step with secrets/."""
    owner, app = _secret(layout, "db_owner_password"), _secret(layout, "db_app_password")
    with _connect(layout) as conn:
        for role, password in (("fangkong_owner", owner), ("fangkong", app)):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(f"{verb} ROLE {role} LOGIN PASSWORD %s".replace("%s", _literal(conn, password)))
        # PgBouncer passes no startup options: the app's settings ride on the role.
        conn.execute("ALTER ROLE fangkong SET jit = off")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'fangkong'").fetchone():
            conn.execute("CREATE DATABASE fangkong OWNER fangkong_owner")
    with _connect(layout, dbname="fangkong") as conn:
        conn.execute("GRANT USAGE ON SCHEMA public TO fangkong")
        for kind, privileges in (("TABLES", "SELECT, INSERT, UPDATE, DELETE"), ("SEQUENCES", "USAGE, SELECT, UPDATE")):
            conn.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE fangkong_owner GRANT {privileges} ON {kind} TO fangkong")
            conn.execute(f"GRANT {privileges} ON ALL {kind} IN SCHEMA public TO fangkong")


def _literal(conn, text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(conn)


def postgres_down(layout: Layout, out: Out) -> None:
    if not _pg_running(layout):
        return
    subprocess.run(
        _as_postgres([str(_pg_bindir() / "pg_ctl"), "-D", str(_pg_data(layout)), "-m", "fast", "-w", "stop"]),
        check=False,
        stdout=subprocess.DEVNULL,
    )
    out("postgresql: stopped")


# --- PgBouncer -------------------------------------------------------------------------------------------------


def _bouncer_dir(layout: Layout) -> Path:
    return layout.pg_dir / "pgbouncer"


def pgbouncer_up(layout: Layout, out: Out) -> None:
    directory = _bouncer_dir(layout)
    pidfile = directory / "pgbouncer.pid"
    if _pid(pidfile):
        out("pgbouncer: running")
        return
    users = "".join(
        f'"{role}" "{_secret(layout, name)}"\n'
        for role, name in (("fangkong", "db_app_password"), ("fangkong_owner", "db_owner_password"))
    )
    files = [
        configs.write(directory / "userlist.txt", users, 0o600),
        configs.write(
            directory / "pgbouncer.ini",
            configs.PGBOUNCER.format(
                pg_port=layout.pg_port,
                port=layout.bouncer_port,
                dir=directory,
                pool=20 * layout.nodes,
                log=directory,
                run=directory,
            ),
            0o600,
        ),
    ]
    if _as_root():
        for path in (directory, *files):
            shutil.chown(path, "postgres", "postgres")
    subprocess.run(_as_postgres([_which("pgbouncer"), "-d", "-q", str(files[1])]), check=True)
    _wait(lambda: _pid(pidfile) is not None, timeout=10, what="pgbouncer")
    out(f"pgbouncer: started on 127.0.0.1:{layout.bouncer_port} (transaction pooling)")


def pgbouncer_down(layout: Layout, out: Out) -> None:
    pid = _pid(_bouncer_dir(layout) / "pgbouncer.pid")
    if pid:
        os.kill(pid, signal.SIGINT)  # PgBouncer's "safe shutdown": after the running transactions
        _wait(lambda: _pid(_bouncer_dir(layout) / "pgbouncer.pid") is None, timeout=15, what="pgbouncer's stop")
        out("pgbouncer: stopped")


# --- Redis -----------------------------------------------------------------------------------------------------


def redis_up(layout: Layout, out: Out) -> None:
    pidfile = layout.path("run", "redis.pid")
    if _pid(pidfile):
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
                f"requirepass {_secret(layout, 'redis_password')}",
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
    subprocess.run([_which("redis-server"), str(conf)], check=True)
    _wait(lambda: _pid(pidfile) is not None, timeout=10, what="redis")
    out(f"redis: started on 127.0.0.1:{layout.redis_port}")


def redis_down(layout: Layout, out: Out) -> None:
    pid = _pid(layout.path("run", "redis.pid"))
    if pid:
        os.kill(pid, signal.SIGTERM)
        _wait(lambda: _pid(layout.path("run", "redis.pid")) is None, timeout=15, what="redis's stop")
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
        if _pid(layout.path("run", f"{name}.pid")):
            out(f"{name}: running")
            continue
        port = layout.node_port(n)
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(layout.workers)]
        _spawn(layout, name, [*args, "--threads", "8"], app_env(layout))
        _wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60, what=name, log=layout.path("log", f"{name}.log"))
        out(f"{name}: Granian on 127.0.0.1:{port}")
    # The workers and beat connect directly: a job's long transactions and the purge's advisory lock need a
    # session of their own, which transaction pooling does not give.
    for name, args in (("worker", ["worker", "--concurrency", "2"]), ("beat", ["beat"])):
        if _pid(layout.path("run", f"{name}.pid")):
            out(f"{name}: running")
            continue
        extra = ["--schedule", str(layout.path("home", "celerybeat-schedule"))] if name == "beat" else []
        _spawn(layout, name, [*args, *extra], app_env(layout, database="direct_url"))
        out(f"{name}: started")


def platform_down(layout: Layout, out: Out) -> None:
    # Every node started, also those a smaller --nodes has since taken out of nginx's rotation.
    nodes = sorted((p.stem for p in layout.path("run").glob("app*.pid")), reverse=True)
    for name in ["beat", "worker", *nodes]:
        pid = _pid(layout.path("run", f"{name}.pid"))
        if pid:
            _stop_group(pid)
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
            user="user root;\n" if _as_root() else "",
            run=layout.path("run"),
            log=layout.path("log"),
            tmp=directory / "tmp",
            servers=servers,
            listen=f"127.0.0.1:{layout.port}",
            static=layout.path("static"),
        ),
    )
    nginx = _which("nginx")
    pid = _pid(layout.path("run", "nginx.pid"))
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
    pid = _pid(layout.path("run", "nginx.pid"))
    if pid:
        os.kill(pid, signal.SIGQUIT)  # graceful: the open requests finish
        _wait(lambda: _pid(layout.path("run", "nginx.pid")) is None, timeout=20, what="nginx's stop")
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
    _wait_http(f"http://127.0.0.1:{layout.port}/readyz", timeout=30, what="the stack", log=layout.path("log"))
    out(f"ready: http://127.0.0.1:{layout.port}/")


def down(layout: Layout, out: Out = print) -> None:
    nginx_down(layout, out)
    platform_down(layout, out)
    redis_down(layout, out)
    pgbouncer_down(layout, out)
    postgres_down(layout, out)


def status(layout: Layout) -> tuple[bool, list[tuple[str, str, str]]]:
    """(all running, rows of service, state, where)."""
    rows: list[tuple[str, str, str]] = []

    def row(name: str, pid: int | None, where: str) -> None:
        rows.append((name, f"running (pid {pid})" if pid else "stopped", where))

    row("postgresql", _pg_running(layout), f"127.0.0.1:{layout.pg_port}")
    row("pgbouncer", _pid(_bouncer_dir(layout) / "pgbouncer.pid"), f"127.0.0.1:{layout.bouncer_port}")
    row("redis", _pid(layout.path("run", "redis.pid")), f"127.0.0.1:{layout.redis_port}")
    for n in range(1, layout.nodes + 1):
        row(f"app{n}", _pid(layout.path("run", f"app{n}.pid")), f"127.0.0.1:{layout.node_port(n)}")
    row("worker", _pid(layout.path("run", "worker.pid")), "celery")
    row("beat", _pid(layout.path("run", "beat.pid")), "celery beat")
    row("nginx", _pid(layout.path("run", "nginx.pid")), f"http://127.0.0.1:{layout.port}/")
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
