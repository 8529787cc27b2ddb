"""Several hosts on this machine (network namespaces, tests/cluster/hosts.py): a pg_auto_failover monitor, a primary
and a streaming replica it keeps in step, Redis, two app nodes reading from the replica, nginx in front.

Reads reach the replica; the replica stops and the app still answers; an app node is killed with SIGKILL during a
stream of passages, which the client resends with their idempotency keys, leaving exactly one row each; the
primary's host dies, the monitor promotes the replica, and writes resume on it through the same connection string.

Runs in the PostgreSQL pass as root (.ci/run), bounded in time: every wait has a deadline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from fangkong.core.ids import check_char

from . import hosts
from .cluster import REDIS_PASSWORD, SUBNET, TAG, Cluster, http, need, ready, visitors, wait_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the multi-host test runs in the PostgreSQL pass",
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = hosts.available()
    missing = need("pg_autoctl", "nginx", "redis-server")
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
            wait_for(c.in_step, timeout=120, what="node2 streaming as the secondary")
            c.apps = {1: c.start_app(1), 2: c.start_app(2)}
            c.start_front()
            wait_for(lambda: ready(f"{c.base}/readyz"), timeout=30, what="nginx in front")
            yield c
    finally:
        # After the hosts are gone (every process in them killed), their PostgreSQL directories.
        if pg_base is not None:
            shutil.rmtree(pg_base, ignore_errors=True)


def _person_reads(url: str) -> int:
    """Scans of the people table on this server: only the app's list reads touch it (not the lag checks, not this)."""
    with psycopg.connect(url, connect_timeout=3) as conn:
        return conn.execute(
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
            "WHERE relname = 'registry_person'"
        ).fetchone()[0]


def _passage(community: int) -> dict:
    n = next(visitors)
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


def _send_until_done(url: str, token: str, body: dict, key: str, *, deadline: float) -> int:
    """A field device: resend with the same key until the platform answers (a node lost, a failover under way)."""
    while time.monotonic() < deadline:
        status, reply = http(url, body=body, token=token, key=key, timeout=15)
        if status in (200, 201):
            return reply["id"]
        if 400 <= status < 500:
            raise AssertionError(f"refused: {status} {reply!r}")
        time.sleep(0.3)
    raise AssertionError(f"no answer for {key} before the deadline")


def test_several_hosts(cluster):
    c = cluster

    # Ready, and the replica in use.
    status, ready = http(f"{c.base}/readyz")
    assert status == 200 and ready["database"] == "ok" and ready["replicas"] == {"replica1": "ok"}, ready

    # Reads reach the replica: each list request is committed transactions there.
    hq = c.token("hq_admin")
    before = _person_reads(c.db("db2"))
    for _ in range(40):
        assert http(f"{c.base}/api/v1/people?page_size=5", token=hq)[0] == 200
    wait_for(lambda: _person_reads(c.db("db2")) - before >= 40, timeout=10, what="40 list reads counted on the replica")

    # The replica stops: the app still answers every read (from the primary).
    c.stop_node(2)
    for _ in range(20):
        assert http(f"{c.base}/api/v1/people?page_size=5", token=hq, timeout=10)[0] == 200
    c.node(2, create=False)
    wait_for(c.in_step, timeout=120, what="node2 back as the secondary")

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

    # The primary's host dies: the monitor promotes the replica, and writes resume on it. (First the standby in step
    # again, as a failover needs: under the stream's load on two cores the monitor may have judged it late.)
    wait_for(c.in_step, timeout=120, what="node2 in step before the failover")
    c.kill_host("db1")
    wait_for(lambda: c.states()["node2"][0] in ("wait_primary", "primary"), timeout=120, what="node2 promoted", every=1)
    with psycopg.connect(c.db("db2")) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is False
        promoted_from = conn.execute("SELECT coalesce(max(id), 0) FROM screening_passage").fetchone()[0]
    assert promoted_from >= max(ids)  # synchronous replication: nothing acknowledged was lost
    after = [(uuid.uuid4().hex, _passage(community)) for _ in range(10)]
    new_ids = [_send_until_done(url, staff, body, key, deadline=time.monotonic() + 90) for key, body in after]
    with psycopg.connect(c.db("db2")) as conn:
        stored = conn.execute("SELECT count(*) FROM screening_passage WHERE id > %s", [promoted_from]).fetchone()[0]
    assert stored == len(after) and len(set(new_ids)) == len(after)
    assert http(f"{c.base}/readyz")[0] == 200
