"""The hosts of the multi-host test and how each is started: a pg_auto_failover monitor and two PostgreSQL nodes,
Redis on the bridge, two app nodes and nginx (tests/cluster/test_multihost.py uses them)."""

from __future__ import annotations

import base64
import itertools
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from fangkong.site.stack import configs

from . import hosts

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "fangkong-demo"
TAG = f"{os.getpid() % 10000:04d}"
SUBNET = f"10.77.{os.getpid() % 250 + 1}"
REDIS_PASSWORD = secrets.token_urlsafe(16)
visitors = itertools.count(random.randrange(10**6))


def need(*programs: str) -> list[str]:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [p for p in programs if not shutil.which(p, path=path)]


def wait_for(check, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:
            last = exc
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


def http(url: str, *, body=None, token=None, key=None, timeout: float = 20):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if key:
        req.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:300]
    except OSError as exc:  # reset, refused, timed out: what a client sees of a node that died
        return 0, str(exc)


def ready(url: str) -> bool:
    status, body = http(url, timeout=10)
    if status != 200:
        raise AssertionError(f"{url}: {status} {body!r}")  # what the wait reports if it never gets better
    return True


class Cluster:
    def __init__(self, net: hosts.Net, tmp: Path):
        self.net, self.tmp = net, tmp
        self.pg_base = Path("/var/lib/postgresql") / f"fk-cluster-{TAG}"
        self.bindir = str(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])
        self.apps: dict[int, subprocess.Popen] = {}

    # --- PostgreSQL under pg_auto_failover -----------------------------------------------------------------------

    def pg_env(self) -> list[str]:
        base = self.pg_base
        return [
            "env",
            f"PATH={self.bindir}:/usr/bin:/bin",
            "HOME=/var/lib/postgresql",
            f"XDG_CONFIG_HOME={base}/config",
            f"XDG_DATA_HOME={base}/data",
            f"XDG_RUNTIME_DIR={base}/run",
        ]

    def autoctl(self, host: str, *args: str, log: str):
        # The hosts share one filesystem, and /var/run/postgresql/.s.PGSQL.5432 is the machine's own cluster's:
        # each host's PostgreSQL gets a socket directory of its own, mounted in its process tree only (ip netns exec
        # runs the command in a mount namespace of its own).
        private = (
            'mount -t tmpfs -o mode=0775 tmpfs /var/run/postgresql && chown postgres: /var/run/postgresql && exec "$@"'
        )
        cmd = ["sh", "-c", private, "sh", "runuser", "-u", "postgres", "--", *self.pg_env(), "pg_autoctl", *args]
        return self.net.start(host, cmd, log=self.tmp / f"{log}.log")

    @property
    def monitor_url(self) -> str:
        return f"postgres://autoctl_node@{self.net.hosts['mon']}:5432/pg_auto_failover?sslmode=disable"

    def states(self) -> dict[str, tuple[str, str]]:
        """Each node's (reported state, goal state) as the monitor has them; "unhealthy" for a node whose health
        check the monitor last failed (its reported state is then what it said before it stopped answering)."""
        with psycopg.connect(self.monitor_url, connect_timeout=3) as conn:
            rows = conn.execute("SELECT nodename, reportedstate, goalstate, health FROM pgautofailover.node").fetchall()
        return {name: (reported if health != 0 else "unhealthy", goal) for name, reported, goal, health in rows}

    def in_step(self) -> bool:
        """The primary and its standby streaming, both answering: what a failover needs."""
        states = self.states()
        if not (states.get("node1", ("",))[0] == "primary" and states.get("node2", ("",))[0] == "secondary"):
            return False
        with psycopg.connect(self.db("db2"), connect_timeout=3) as conn:
            return conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True

    def db(self, host: str, dbname: str = "fangkong") -> str:
        return f"postgres://postgres@{self.net.hosts[host]}:5432/{dbname}?connect_timeout=3"

    def node(self, n: int, *, create: bool) -> None:
        host = f"db{n}"
        pgdata = str(self.pg_base / f"node{n}")
        if create:
            args = [
                "create",
                "postgres",
                "--pgdata",
                pgdata,
                "--pgport",
                "5432",
                "--hostname",
                self.net.hosts[host],
                "--name",
                f"node{n}",
                "--dbname",
                "fangkong",
                "--auth",
                "trust",
                "--no-ssl",
                "--pg-hba-lan",
                "--monitor",
                self.monitor_url,
                "--run",
            ]
        else:
            args = ["run", "--pgdata", pgdata]
        self.autoctl(host, *args, log=f"node{n}")

    def stop_node(self, n: int) -> None:
        """pg_autoctl stops the node's keeper and its PostgreSQL (a replica taken down by its operator); returns
        once nothing of it runs on its host any more (a keeper still stopping would refuse the next start)."""
        cmd = ["runuser", "-u", "postgres", "--", *self.pg_env(), "pg_autoctl", "stop", "--immediate"]
        self.net.run(f"db{n}", [*cmd, "--pgdata", str(self.pg_base / f"node{n}")], check=False, timeout=30)
        wait_for(
            lambda: not hosts.sh("ip", "netns", "pids", self.net.ns(f"db{n}"), check=False).stdout.split(),
            timeout=60,
            what=f"node{n} stopped",
        )

    def kill_host(self, host: str) -> None:
        """Every process of the host killed at once and its link cut: the host is gone."""
        for pid in hosts.sh("ip", "netns", "pids", self.net.ns(host), check=False).stdout.split():
            try:
                os.kill(int(pid), 9)
            except ProcessLookupError:
                pass
        self.net.link(host, up=False)

    def start_postgres(self) -> None:
        self.pg_base.mkdir(parents=True, exist_ok=True)
        for sub in ("config", "data", "run"):
            (self.pg_base / sub).mkdir(exist_ok=True)
        hosts.sh("chown", "-R", "postgres:postgres", str(self.pg_base))
        self.autoctl(
            "mon",
            "create",
            "monitor",
            "--pgdata",
            str(self.pg_base / "monitor"),
            "--pgport",
            "5432",
            "--hostname",
            self.net.hosts["mon"],
            "--auth",
            "trust",
            "--no-ssl",
            "--run",
            log="monitor",
        )
        wait_for(lambda: self.states() is not None, timeout=90, what="the monitor")
        self.node(1, create=True)
        wait_for(lambda: self.states().get("node1", ("",))[0] == "single", timeout=90, what="node1 as a single primary")

    # --- the platform --------------------------------------------------------------------------------------------

    def app_env(self) -> dict[str, str]:
        h = self.net.hosts
        keys = self.tmp / "keys"
        if not keys.exists():
            keys.mkdir()
            (keys / "secret_key").write_text(secrets.token_urlsafe(50))
            (keys / "data_key").write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "FANGKONG_", "CELERY_"))}
        env.update(
            {
                # Both database hosts: the connection goes to whichever is the primary now (libpq's multi-host).
                "DATABASE_URL": f"postgres://fangkong@{h['db1']},{h['db2']}:5432/fangkong"
                "?target_session_attrs=read-write&connect_timeout=2",
                "DATABASE_REPLICA_URLS": f"postgres://fangkong@{h['db2']}:5432/fangkong",
                "FANGKONG_CACHE_URL": f"redis://:{REDIS_PASSWORD}@{self.net.gateway}:6391/1",
                "FANGKONG_HOME": str(self.tmp / "home"),
                "FANGKONG_SECRET_KEY_FILE": str(keys / "secret_key"),
                "FANGKONG_DATA_KEY_FILE": str(keys / "data_key"),
                "FANGKONG_STATIC_ROOT": str(self.tmp / "static"),
                "FANGKONG_MEDIA_ROOT": str(self.tmp / "media"),
                "FANGKONG_TRUSTED_PROXIES": h["lb"],
                "FANGKONG_ALLOWED_HOSTS": h["lb"],
                "FANGKONG_REPLICA_CHECK": "1",
            }
        )
        return env

    def manage(self, *args: str, database_url: str | None = None) -> None:
        env = self.app_env()
        if database_url:
            env["DATABASE_URL"] = database_url
            env.pop("DATABASE_REPLICA_URLS")
        out = subprocess.run(
            [sys.executable, "-m", "fangkong.cli", *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]

    def seed(self) -> None:
        owner = self.db("db1")
        self.manage("migrate", "--no-input", "-v", "0", database_url=owner)
        self.manage("seed-demo", "--people", "300", database_url=owner)
        self.manage("collectstatic", "--no-input", "-v", "0")
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute("CREATE ROLE fangkong LOGIN")
            conn.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fangkong")
            conn.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO fangkong")
            # The app's role may connect from the LAN (pg_autoctl's --pg-hba-lan lets in its own user only); the
            # standby's base backup copies this file.
            with open(self.pg_base / "node1" / "pg_hba.conf", "a") as hba:
                hba.write(f"host fangkong fangkong {self.net.subnet}.0/24 trust\n")
            conn.execute("SELECT pg_reload_conf()")
            # The seed's pages written out now: the standby's base backup starts with a checkpoint, paced over
            # minutes when much is dirty.
            conn.execute("CHECKPOINT")

    def start_app(self, n: int) -> subprocess.Popen:
        host = f"app{n}"
        cmd = [sys.executable, "-m", "fangkong.cli", "serve", "--host", self.net.hosts[host], "--port", "8000"]
        proc = self.net.start(
            host, [*cmd, "--workers", "1", "--threads", "8"], log=self.tmp / f"{host}.log", env=self.app_env()
        )
        wait_for(lambda: http(f"http://{self.net.hosts[host]}:8000/healthz")[0] == 200, timeout=60, what=f"{host} up")
        return proc

    def start_front(self) -> None:
        h, directory = self.net.hosts, self.tmp / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = configs.write(
            directory / "nginx.conf",
            configs.NGINX.format(
                user="user root;\n",
                run=directory,
                log=directory,
                tmp=directory / "tmp",
                servers="\n".join(
                    f"        server {h[a]}:8000 max_fails=1 fail_timeout=10s;" for a in ("app1", "app2")
                ),
                listen=f"{h['lb']}:80",
                static=self.tmp / "static",
            ),
        )
        nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
        self.net.start(
            "lb", [nginx, "-c", str(conf), "-p", str(directory), "-g", "daemon off;"], log=self.tmp / "lb.log"
        )

    @property
    def base(self) -> str:
        return f"http://{self.net.hosts['lb']}"

    def token(self, username: str) -> str:
        status, reply = http(f"{self.base}/api/v1/auth/token", body={"username": username, "password": PASSWORD})
        assert status == 200, reply
        return reply["token"]
