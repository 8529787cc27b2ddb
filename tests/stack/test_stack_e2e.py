"""`fangkong stack up` on this machine, then the platform used through nginx as a district uses it: a page, a
checkpoint's passage (sent twice with one Idempotency-Key), a sampler's bulk batch, a scanner's status look-up — on
two app nodes, whose sessions are shared through Redis — then `status` and `down`.

Runs in the PostgreSQL pass of the suite (the stack is PostgreSQL's packages; the SQLite pass is the embedded
default). Needs nginx, PgBouncer, Redis and PostgreSQL installed: .ci/run installs them and sets
FANGKONG_REQUIRE_STACK=1, which turns a missing one into a failure instead of a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest

from fangkong.core.ids import check_char

PROGRAMS = ("nginx", "pgbouncer", "redis-server")
PASSWORD = "fangkong-demo"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the stack test runs in the PostgreSQL pass",
)


def _installed() -> bool:
    path = os.environ.get("PATH", "") + ":/usr/sbin"
    return all(shutil.which(p, path=path) for p in PROGRAMS) and any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _free_base_port() -> int:
    """A base port whose 30 neighbours are free (the stack takes base … base+30)."""
    for base in range(24000, 40000, 97):
        taken = False
        for port in (base, base + 10, base + 11, base + 12, base + 21, base + 22):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    taken = True
                    break
        if not taken:
            return base
    raise RuntimeError("no free ports")


def _stack(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "FANGKONG_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "-m", "fangkong.cli", "stack", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not _installed():
        if os.environ.get("FANGKONG_REQUIRE_STACK"):
            pytest.fail(f"the stack needs {', '.join(PROGRAMS)} and PostgreSQL (.ci/run installs them)")
        pytest.skip("nginx, pgbouncer, redis-server or PostgreSQL is not installed")
    directory = tmp_path_factory.mktemp("stack")
    port = _free_base_port()
    common = ["--dir", str(directory)]
    try:
        up = _stack("up", *common, "--port", str(port), "--nodes", "2", "--demo", "--people", "300", check=False)
        assert up.returncode == 0, up.stdout + up.stderr
        owner_url = (directory / "secrets" / "owner_url").read_text().strip()
        yield {"base": f"http://127.0.0.1:{port}", "dir": directory, "db": owner_url, "up": up.stdout}
    finally:
        _stack("down", *common, "--purge", check=False)


def _request(url: str, *, body=None, token: str | None = None, headers: dict | None = None, opener=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    req.add_header("Accept-Language", "zh-CN")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=60) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _token(base: str, username: str) -> str:
    status, _h, body = _request(f"{base}/api/v1/auth/token", body={"username": username, "password": PASSWORD})
    assert status == 200, body
    return json.loads(body)["token"]


def _one(db: str, sql: str, params=()):
    with psycopg.connect(db) as conn:
        return conn.execute(sql, params).fetchone()


def test_the_stack_serves_the_platform_through_nginx(stack):
    base, db = stack["base"], stack["db"]
    for line in ("postgresql: started", "pgbouncer: started", "redis: started", "app2: Granian", "nginx: http"):
        assert line in stack["up"]

    # Ready: every service it needs answers.
    status, _h, body = _request(f"{base}/readyz")
    assert (status, json.loads(body)) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})

    # Static files come from nginx itself; pages from the app behind it, compressed.
    status, headers, _b = _request(f"{base}/static/fangkong/site.css")
    assert status == 200 and "X-Request-ID" not in headers
    status, headers, body = _request(f"{base}/login/", headers={"Accept-Encoding": "identity"})
    assert status == 200 and "登录" in body.decode() and headers["X-Request-ID"]

    # A checkpoint's passage, sent twice with one key (a retry after a lost reply): one row.
    checkpoint = _one(
        db,
        "SELECT c.id FROM screening_checkpoint c JOIN registry_roleassignment r ON r.unit_id = c.unit_id "
        "JOIN auth_user u ON u.id = r.user_id WHERE u.username = 'checkpoint_staff'",
    )[0]
    staff = _token(base, "checkpoint_staff")
    community = _one(db, "SELECT id FROM registry_jurisdiction WHERE level = 'community' ORDER BY id LIMIT 1")[0]
    first17 = "32010219850101" + f"{uuid.uuid4().int % 1000:03d}"
    passage = {
        "direction": "in",
        "document_number": first17 + check_char(first17),
        "name": "过路人",
        "origin": "辽宁省鞍山市",
        "destination_community": community,
        "phone": "13900000001",
        "temperature": 36.6,
    }
    key = uuid.uuid4().hex
    # A client's own X-Forwarded-For is not believed: nginx replaces it with the address it saw.
    sent = [
        _request(
            f"{base}/api/v1/checkpoints/{checkpoint}/passages",
            body=passage,
            token=staff,
            headers={"Idempotency-Key": key, "X-Forwarded-For": "203.0.113.66"},
        )
        for _ in range(2)
    ]
    assert [s for s, _h, _b in sent] == [201, 200], sent  # the replay: the first reply again
    ids = {json.loads(b)["id"] for _s, _h, b in sent}
    assert len(ids) == 1
    assert (
        _one(db, "SELECT count(*) FROM screening_passage WHERE checkpoint_id = %s AND id = %s", (checkpoint, *ids))[0]
        == 1
    )
    recorded = _one(
        db,
        "SELECT client_addr FROM core_auditevent WHERE action = 'passage.register' ORDER BY seq DESC LIMIT 1",
    )
    assert recorded is not None and recorded[0] == "127.0.0.1"

    # A scanner's status look-up (the fast path) for a resident's personal code.
    hq = _token(base, "hq_admin")
    district = _one(db, "SELECT id FROM registry_jurisdiction WHERE level = 'district'")[0]
    status, _h, body = _request(f"{base}/api/v1/testing/codes:issue", body={"jurisdiction_id": district}, token=hq)
    assert status in (200, 201), body
    # Residents who may share a tube (no key population, no closed loop), in the community with most of them.
    eligible = (
        "FROM testing_personcode c JOIN registry_person p ON p.id = c.person_id "
        "JOIN registry_jurisdiction j ON j.id = p.community_id WHERE p.is_resident "
        "AND NOT EXISTS (SELECT 1 FROM registry_persontag t WHERE t.person_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM screening_followup f WHERE f.person_id = p.id AND f.released_at IS NULL)"
    )
    community_path = _one(db, f"SELECT j.path {eligible} GROUP BY j.path ORDER BY count(*) DESC LIMIT 1")[0]
    with psycopg.connect(db) as conn:
        codes = [r[0] for r in conn.execute(f"SELECT c.code {eligible} AND j.path = %s LIMIT 10", (community_path,))]
    code = codes[0]
    status, _h, body = _request(f"{base}/api/v1/status/{code}", token=staff)
    assert status == 200 and json.loads(body)["colour"] in ("green", "yellow", "red"), body

    # A sampler's bulk batch: ten people into one tube at their community's site, sent twice: once in the tube.
    round_id = json.loads(
        _request(
            f"{base}/api/v1/testing/rounds",
            body={"name": "stack", "pool_size": 10, "starts_at": "2020-01-01T00:00:00+08:00", "household_places": []},
            token=hq,
        )[2]
    )["id"]
    site = _one(db, "SELECT id FROM testing_site WHERE jpath = %s", (community_path,))[0]
    sampler = _token(base, "sampler")
    tube = f"STACK{round_id:04d}01"
    batch = {
        "batch_id": f"stack-{round_id}",
        "scans": [
            {"tube_code": tube, "site_id": site, "person_code": c, "collected_at": "2026-12-03T09:00:00+08:00"}
            for c in codes
        ],
    }
    replies = [
        _request(f"{base}/api/v1/testing/rounds/{round_id}/collections:bulk", body=batch, token=sampler)
        for _ in range(2)
    ]
    assert replies[0][0] == 200, replies[0][2]
    assert json.loads(replies[0][2])["accepted"] == len(codes), replies[0][2].decode()
    assert _one(db, "SELECT count(*) FROM testing_sample WHERE round_id = %s", (round_id,))[0] == len(codes)

    # Signed in once, the session is known to both nodes (nginx alternates between them).
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _status, _h, page = _request(f"{base}/login/", opener=opener)
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "hq_admin", "password": PASSWORD})
    req = urllib.request.Request(f"{base}/login/", data=form.encode(), headers={"Referer": f"{base}/login/"})
    with opener.open(req, timeout=60) as reply:
        assert reply.status == 200 and "/login/" not in reply.url
    for _ in range(4):
        status, _h, body = _request(f"{base}/", opener=opener)
        assert status == 200 and "登录" not in body.decode()[:2000]
    # Each node by its own address: both know the session (kept in Redis, written through to the database).
    port = int(base.rsplit(":", 1)[1])
    for node_port in (port + 21, port + 22):
        status, _h, body = _request(f"http://127.0.0.1:{node_port}/", opener=opener)
        assert status == 200 and "登录" not in body.decode()[:2000]
    session = next(c.value for c in jar if c.name == "sessionid")
    redis_password = (stack["dir"] / "secrets" / "redis_password").read_text().strip()
    cached = subprocess.run(
        ["redis-cli", "-p", str(port + 12), "-n", "1", "--no-auth-warning", "-a", redis_password, "--scan"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert any(session in key for key in cached.split())

    # Every service running, ready.
    out = _stack("status", "--dir", str(stack["dir"]), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^readyz\s+ready", out.stdout, re.M)
