"""Several hosts on this machine (network namespaces, tests/cluster/hosts.py): a pg_auto_failover monitor, a primary
and a streaming replica it keeps in step, Redis, two app nodes reading from the replica, nginx in front.

Reads reach the replica; the replica stops and the app still answers; an app node is killed with SIGKILL during a
stream of passages, which the client resends with their idempotency keys, leaving exactly one row each; the
primary's host dies, the monitor promotes the replica, and writes resume on it through the same connection string.

Runs in the PostgreSQL pass as root (.ci/run), bounded in time: every wait has a deadline.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from fangkong.core.ids import check_char
from fangkong.site.stack import configs

from . import hosts

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the multi-host test runs in the PostgreSQL pass",
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "fangkong-demo"
TAG = f"{os.getpid() % 10000:04d}"
SUBNET = f"10.77.{os.getpid() % 250 + 1}"
REDIS_PASSWORD = secrets.token_urlsafe(16)
_visitors = itertools.count(random.randrange(10**6))


def _need(*programs: str) -> list[str]:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [p for p in programs if not shutil.which(p, path=path)]


def _wait(check, *, timeout: float, what: str, every: float = 0.5):
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


def _http(url: str, *, body=None, token=None, key=None, timeout: float = 20):
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
        with psycopg.connect(self.monitor_url, connect_timeout=3) as conn:
            rows = conn.execute("SELECT nodename, reportedstate, goalstate FROM pgautofailover.node").fetchall()
        return {name: (reported, goal) for name, reported, goal in rows}

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
        """pg_autoctl stops the node's keeper and its PostgreSQL (a replica taken down by its operator)."""
        cmd = ["runuser", "-u", "postgres", "--", *self.pg_env(), "pg_autoctl", "stop", "--immediate"]
        self.net.run(f"db{n}", [*cmd, "--pgdata", str(self.pg_base / f"node{n}")], check=False, timeout=30)

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
        _wait(lambda: self.states() is not None, timeout=90, what="the monitor")
        self.node(1, create=True)
        _wait(lambda: self.states().get("node1", ("",))[0] == "single", timeout=90, what="node1 as a single primary")

    # --- the platform --------------------------------------------------------------------------------------------

    def app_env(self) -> dict[str, str]:
        h = self.net.hosts
        keys = self.tmp / "keys"
        if not keys.exists():
            keys.mkdir()
            (keys / "secret_key").write_text(secrets.token_urlsafe(50))
            import base64

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
        _wait(lambda: _http(f"http://{self.net.hosts[host]}:8000/healthz")[0] == 200, timeout=60, what=f"{host} up")
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
        status, reply = _http(f"{self.base}/api/v1/auth/token", body={"username": username, "password": PASSWORD})
        assert status == 200, reply
        return reply["token"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = hosts.available()
    missing = _need("pg_autoctl", "nginx", "redis-server")
    if why or missing:
        reason = why or f"not installed: {', '.join(missing)}"
        if os.environ.get("FANGKONG_REQUIRE_STACK") and not why:
            pytest.fail(reason)
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("cluster")
    tmp.chmod(0o755)
    pg_base = None
    try:
        with hosts.network(TAG, SUBNET) as net:
            c = Cluster(net, tmp)
            pg_base = c.pg_base
            for name, octet in (("mon", 3), ("db1", 11), ("db2", 12), ("app1", 21), ("app2", 22), ("lb", 2)):
                net.add(name, octet)
            redis = subprocess.Popen(
                [
                    *("redis-server", "--bind", net.gateway, "--port", "6391", "--save", "", "--appendonly", "no"),
                    *("--requirepass", REDIS_PASSWORD),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            net.procs.append(redis)
            c.start_postgres()
            c.seed()
            c.node(2, create=True)
            _wait(
                lambda: c.states().get("node2", ("",))[0] == "secondary" and c.states()["node1"][0] == "primary",
                timeout=120,
                what="node2 streaming as the secondary",
            )
            c.apps = {1: c.start_app(1), 2: c.start_app(2)}
            c.start_front()
            _wait(lambda: _ready(f"{c.base}/readyz"), timeout=30, what="nginx in front")
            yield c
    finally:
        # After the hosts are gone (every process in them killed), their PostgreSQL directories.
        if pg_base is not None:
            shutil.rmtree(pg_base, ignore_errors=True)


def _commits(url: str) -> int:
    with psycopg.connect(url, connect_timeout=3) as conn:
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = 'fangkong'").fetchone()[0]


def _passage(community: int) -> dict:
    n = next(_visitors)
    first17 = f"320102{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return {
        "direction": "in",
        "document_number": first17 + check_char(first17),
        "name": "来访者",
        "origin": "辽宁省鞍山市",
        "destination_community": community,
        "phone": "13900000002",
        "temperature": 36.5,
    }


def _ready(url: str) -> bool:
    status, body = _http(url, timeout=10)
    if status != 200:
        raise AssertionError(f"{url}: {status} {body!r}")  # what the wait reports if it never gets better
    return True


def _send_until_done(url: str, token: str, body: dict, key: str, *, deadline: float) -> int:
    """A field device: resend with the same key until the platform answers (a node lost, a failover under way)."""
    while time.monotonic() < deadline:
        status, reply = _http(url, body=body, token=token, key=key, timeout=15)
        if status in (200, 201):
            return reply["id"]
        if 400 <= status < 500:
            raise AssertionError(f"refused: {status} {reply!r}")
        time.sleep(0.3)
    raise AssertionError(f"no answer for {key} before the deadline")


def test_several_hosts(cluster):
    c = cluster

    # Ready, and the replica in use.
    status, ready = _http(f"{c.base}/readyz")
    assert status == 200 and ready["database"] == "ok" and ready["replicas"] == {"replica1": "ok"}, ready

    # Reads reach the replica: each list request is committed transactions there.
    hq = c.token("hq_admin")
    before = _commits(c.db("db2"))
    for _ in range(40):
        assert _http(f"{c.base}/api/v1/people?page_size=5", token=hq)[0] == 200
    _wait(lambda: _commits(c.db("db2")) - before >= 40, timeout=10, what="40 list reads counted on the replica")

    # The replica stops: the app still answers every read (from the primary).
    c.stop_node(2)
    for _ in range(20):
        assert _http(f"{c.base}/api/v1/people?page_size=5", token=hq, timeout=10)[0] == 200
    c.node(2, create=False)
    _wait(
        lambda: c.states()["node2"][0] == "secondary" and c.states()["node1"][0] == "primary",
        timeout=120,
        what="node2 back as the secondary",
    )

    # An app node killed with SIGKILL in the middle of a stream of passages: the device resends each unanswered one
    # with its key; the platform ends with exactly one row per passage.
    with psycopg.connect(c.db("db1")) as conn:
        checkpoint = conn.execute(
            "SELECT c.id FROM screening_checkpoint c JOIN registry_roleassignment r ON r.unit_id = c.unit_id "
            "JOIN auth_user u ON u.id = r.user_id WHERE u.username = 'checkpoint_staff'"
        ).fetchone()[0]
        community = conn.execute("SELECT id FROM registry_jurisdiction WHERE level = 'community' LIMIT 1").fetchone()[0]
        first_id = conn.execute("SELECT coalesce(max(id), 0) FROM screening_passage").fetchone()[0]
    staff = c.token("checkpoint_staff")
    url = f"{c.base}/api/v1/checkpoints/{checkpoint}/passages"
    stream = [(uuid.uuid4().hex, _passage(community)) for _ in range(120)]
    answered = threading.Semaphore(0)

    def send(item) -> int:
        key, body = item
        pk = _send_until_done(url, staff, body, key, deadline=time.monotonic() + 120)
        answered.release()
        return pk

    def kill_after(n: int) -> None:
        """app1 dies once n passages have been answered (or after a minute, whatever happened)."""
        deadline = time.monotonic() + 60
        for _ in range(n):
            if not answered.acquire(timeout=max(0.1, deadline - time.monotonic())):
                break
        hosts.kill_group(c.apps[1])

    killer = threading.Thread(target=kill_after, args=(30,), daemon=True)
    killer.start()
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(send, stream))
    killer.join(timeout=60)
    assert c.apps[1].poll() is not None, "app1 was killed mid-stream"
    assert len(set(ids)) == len(stream)
    with psycopg.connect(c.db("db1")) as conn:
        stored = conn.execute("SELECT count(*) FROM screening_passage WHERE id > %s", [first_id]).fetchone()[0]
    assert stored == len(stream)

    # The primary's host dies: the monitor promotes the replica, and writes resume on it.
    c.kill_host("db1")
    _wait(lambda: c.states()["node2"][0] in ("wait_primary", "primary"), timeout=120, what="node2 promoted", every=1)
    with psycopg.connect(c.db("db2")) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is False
        promoted_from = conn.execute("SELECT coalesce(max(id), 0) FROM screening_passage").fetchone()[0]
    assert promoted_from >= max(ids)  # synchronous replication: nothing acknowledged was lost
    after = [(uuid.uuid4().hex, _passage(community)) for _ in range(10)]
    new_ids = [_send_until_done(url, staff, body, key, deadline=time.monotonic() + 90) for key, body in after]
    with psycopg.connect(c.db("db2")) as conn:
        stored = conn.execute("SELECT count(*) FROM screening_passage WHERE id > %s", [promoted_from]).fetchone()[0]
    assert stored == len(after) and len(set(new_ids)) == len(after)
    assert _http(f"{c.base}/readyz")[0] == 200
