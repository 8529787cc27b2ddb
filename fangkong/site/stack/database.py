"""The stack's database side: its own PostgreSQL cluster (roles, database, privileges) and PgBouncer before it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

from . import configs
from .base import Layout, as_postgres, as_root, pg_bindir, pid_of, secret, wait_until, which

Out = Callable[[str], None]


# --- PostgreSQL ------------------------------------------------------------------------------------------------


def _pg_data(layout: Layout) -> Path:
    return layout.pg_dir / "data"


def pg_running(layout: Layout) -> int | None:
    return pid_of(_pg_data(layout) / "postmaster.pid", "postgres")


def _connect(layout: Layout, *, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host="127.0.0.1",
        port=layout.pg_port,
        user="postgres",
        password=secret(layout, "pg_superuser_password"),
        dbname=dbname,
        autocommit=True,
        connect_timeout=5,
    )


def postgres_up(layout: Layout, out: Out) -> None:
    bindir = pg_bindir()
    data = _pg_data(layout)
    layout.pg_dir.mkdir(parents=True, exist_ok=True)
    layout.pg_dir.chmod(0o700)  # its socket is there
    if as_root():
        shutil.chown(layout.pg_dir, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        out(f"postgresql: a new cluster in {data}")
        pwfile = configs.write(layout.pg_dir / "pwfile", secret(layout, "pg_superuser_password"), 0o600)
        if as_root():
            shutil.chown(pwfile, "postgres", "postgres")
        subprocess.run(
            as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    f"--pwfile={pwfile}",
                    # On the socket only the account that runs it; the stack itself signs in over TCP with a password.
                    "--auth-local=peer",
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
    if pg_running(layout):
        out("postgresql: running")
    else:
        log = layout.pg_dir / "postgresql.log"
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start"]
        subprocess.run(as_postgres(pg_ctl), check=True, stdout=subprocess.DEVNULL)
        out(f"postgresql: started on 127.0.0.1:{layout.pg_port}")
    _roles(layout)


def _roles(layout: Layout) -> None:
    """The owner (migrations) and the app's role (rows only), once; their passwords kept in step with secrets/."""
    owner, app = secret(layout, "db_owner_password"), secret(layout, "db_app_password")
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
    if not pg_running(layout):
        return
    subprocess.run(
        as_postgres([str(pg_bindir() / "pg_ctl"), "-D", str(_pg_data(layout)), "-m", "fast", "-w", "stop"]),
        check=False,
        stdout=subprocess.DEVNULL,
    )
    out("postgresql: stopped")


# --- PgBouncer -------------------------------------------------------------------------------------------------


def bouncer_dir(layout: Layout) -> Path:
    return layout.pg_dir / "pgbouncer"


def pgbouncer_up(layout: Layout, out: Out) -> None:
    directory = bouncer_dir(layout)
    pidfile = directory / "pgbouncer.pid"
    if pid_of(pidfile, "pgbouncer"):
        out("pgbouncer: running")
        return
    users = "".join(
        f'"{role}" "{secret(layout, name)}"\n'
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
    if as_root():
        for path in (directory, *files):
            shutil.chown(path, "postgres", "postgres")
    subprocess.run(as_postgres([which("pgbouncer"), "-d", "-q", str(files[1])]), check=True)
    wait_until(lambda: pid_of(pidfile, "pgbouncer") is not None, timeout=10, what="pgbouncer")
    out(f"pgbouncer: started on 127.0.0.1:{layout.bouncer_port} (transaction pooling)")


def pgbouncer_down(layout: Layout, out: Out) -> None:
    pid = pid_of(bouncer_dir(layout) / "pgbouncer.pid", "pgbouncer")
    if pid:
        os.kill(pid, signal.SIGINT)  # PgBouncer's "safe shutdown": after the running transactions
        wait_until(
            lambda: pid_of(bouncer_dir(layout) / "pgbouncer.pid", "pgbouncer") is None,
            timeout=15,
            what="pgbouncer's stop",
        )
        out("pgbouncer: stopped")
