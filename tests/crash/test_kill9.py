"""Bulk writes survive a server killed mid-write (kill -9), on PostgreSQL: a roster import and collection batches are
sent to a real server (`fangkong serve`, Granian), the whole server is killed while the request runs, restarted,
and the same request is sent again with the same key — then nothing may be lost and nothing duplicated, and a
third send replays the same answer. This is what a checkpoint's or a sampling site's device does after a power cut
or a dropped connection.

It runs against a database of its own (created and dropped here) with a small demo district, so it needs
PostgreSQL; on SQLite it is skipped.
"""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FANGKONG = [sys.executable, "-m", "fangkong.cli"]
PEOPLE = 3000
DELAYS = (0.0, 0.05, 0.15, 0.4)  # when the kill lands after the request was sent: before, during, around commit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="kills a server on PostgreSQL"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A database of its own with a small demo district, and the environment the server runs in."""
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"fk_crash_{os.getpid()}"
    url = f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    home = tmp_path_factory.mktemp("crash")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FANGKONG_HOME": str(home),
        "FANGKONG_DATA_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "FANGKONG_SECRET_KEY": secrets.token_urlsafe(50),
        "FANGKONG_DEBUG": "0",
        "FANGKONG_LOG_LEVEL": "WARNING",
        "FANGKONG_INLINE_JOBS_IN_THREAD": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for step in (["migrate", "--no-input", "-v", "0"], ["seed-demo", "--people", str(PEOPLE)]):
        subprocess.run([*FANGKONG, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    try:
        yield url, env, home
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    def __init__(self, env: dict, home: Path):
        self.env, self.home, self.port = env, home, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*FANGKONG, "serve", "--port", str(self.port), "--workers", "1", "--threads", "2"],
            env=self.env,
            cwd=ROOT,
            stdout=open(self.home / "server.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=1)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise RuntimeError("the server did not start: " + (self.home / "server.log").read_text()[-2000:])

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the whole server: master and workers, no clean-up
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@contextmanager
def running(env: dict, home: Path):
    server = Server(env, home)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _call(base: str, path: str, *, token: str = "", body: bytes = b"", headers: dict | None = None, timeout=120):
    request = urllib.request.Request(
        f"{base}{path}",
        data=body or None,
        headers={**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})},
        method="POST" if body else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _json(data: dict) -> tuple[bytes, dict]:
    return json.dumps(data).encode(), {"Content-Type": "application/json"}


def _login(base: str, username: str) -> str:
    body, headers = _json({"username": username, "password": "fangkong-demo"})
    status, reply = _call(base, "/api/v1/auth/token", body=body, headers=headers)
    assert status == 200, reply
    return reply["token"]


def _killed_mid_request(server: Server, send, delay: float) -> None:
    """Send in the background, kill the server `delay` seconds later, wait for the client to give up, restart."""
    outcome: dict = {}

    def client():
        try:
            outcome["reply"] = send()
        except Exception as exc:  # the connection dies with the server: that is the point
            outcome["error"] = exc

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(delay)
    server.kill9()
    thread.join(timeout=60)
    server.start()


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_collection_batches_survive_kill9_and_retries(city):
    url, env, home = city
    with running(env, home) as server:
        hq, sampler = _login(server.base, "hq_admin"), _login(server.base, "sampler")
        body, headers = _json(
            {"name": "crash", "pool_size": 10, "starts_at": "2020-01-01T00:00:00+08:00", "household_places": []}
        )
        status, made = _call(server.base, "/api/v1/testing/rounds", token=hq, body=body, headers=headers)
        assert status == 201, made
        round_id = made["id"]
        district = _query(url, "SELECT id FROM registry_jurisdiction WHERE level = 'district'")[0][0]
        body, headers = _json({"jurisdiction_id": district})
        status, issued = _call(server.base, "/api/v1/testing/codes:issue", token=hq, body=body, headers=headers)
        assert status in (200, 201), issued
        rows = _query(
            url,
            "SELECT pc.code, s.id FROM testing_personcode pc JOIN registry_person p ON p.id = pc.person_id "
            "JOIN registry_jurisdiction j ON j.id = p.community_id JOIN testing_site s ON s.jpath = j.path "
            "WHERE p.is_resident ORDER BY s.id, p.id",
        )
        at = "2026-12-01T09:00:00+08:00"
        scans = [
            {
                "person_code": code,
                "site_id": site,
                "tube_code": f"K{round_id}S{site}T{i // 10:05d}",
                "collected_at": at,
            }
            for i, (code, site) in enumerate(rows)
        ]
        size = len(scans) // len(DELAYS)
        for n, delay in enumerate(DELAYS):
            batch = {"batch_id": f"crash-{round_id}-{n}", "scans": scans[n * size : (n + 1) * size]}
            body, headers = _json(batch)
            path = f"/api/v1/testing/rounds/{round_id}/collections:bulk"

            def send(body=body, headers=headers, path=path):
                return _call(server.base, path, token=sampler, body=body, headers=headers)

            codes = [s["person_code"] for s in batch["scans"]]
            count_sql = (
                "SELECT count(*), count(DISTINCT sm.person_id) FROM testing_sample sm "
                "JOIN testing_personcode pc ON pc.person_id = sm.person_id "
                "WHERE sm.round_id = %s AND pc.code = ANY(%s)"
            )
            _killed_mid_request(server, send, delay)
            after_kill = _query(url, count_sql, (round_id, codes))[0][0]
            status, first = send()  # the device sends the same batch again, with the same batch id
            assert status in (200, 201), first
            again_status, again = send()
            assert again_status == 200 and again == first  # a replay, recognised as one
            accepted = len(batch["scans"]) - len(first.get("rejected", []))
            assert after_kill in (0, accepted), (delay, after_kill)  # the killed batch: all of it or none
            stored = _query(url, count_sql, (round_id, codes))[0]
            assert stored == (accepted, accepted), (delay, stored, accepted)  # nothing lost, nothing twice
        total = _query(
            url, "SELECT count(*), count(DISTINCT person_id) FROM testing_sample WHERE round_id = %s", (round_id,)
        )
        assert total[0][0] == total[0][1]
    # A kill between a commit and its seal leaves events unsealed, never a broken chain: verify-audit seals them
    # and finds every event the platform wrote, in order.
    check = subprocess.run([*FANGKONG, "verify-audit"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0 and "intact" in check.stdout, check.stdout + check.stderr


def _roster(n: int, community: str, tag: str) -> tuple[bytes, list[str]]:
    from datetime import date, timedelta

    import openpyxl

    from fangkong.core.ids import check_char

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "证件类型", "证件号码", "手机号", "社区", "网格", "住址"])
    numbers = []
    for i in range(n):
        # Born in the 1920s (the demo's residents are younger) with the sequence 9xx: numbers nobody else holds.
        born = date(1921, 1, 1) + timedelta(days=i + 1000 * int(tag.rstrip("-")))
        first17 = f"211103{born:%Y%m%d}9{i % 100:02d}"
        number = first17 + check_char(first17)
        numbers.append(number)
        sheet.append([f"断电{tag}{i}", "居民身份证", number, "", community, "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), numbers


def _multipart(content: bytes, filename: str) -> tuple[bytes, dict]:
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_a_roster_import_survives_kill9_and_the_retry(city):
    url, env, home = city
    community = _query(url, "SELECT name FROM registry_jurisdiction WHERE level = 'community' ORDER BY id LIMIT 1")[0][
        0
    ]
    with running(env, home) as server:
        worker = _login(server.base, "hq_admin")
        for n, delay in enumerate(DELAYS):
            content, numbers = _roster(400, community, f"{n}-")
            key = {"Idempotency-Key": f"crash-roster-{n}"}

            def send(content=content, key=key):
                body, headers = _multipart(content, "roster.xlsx")  # a fresh boundary each time, as a client makes
                return _call(server.base, "/api/v1/people/import", token=worker, body=body, headers={**headers, **key})

            _killed_mid_request(server, send, delay)
            like = (f"断电{n}-%",)
            after_kill = _query(url, "SELECT count(*) FROM registry_person WHERE name LIKE %s", like)[0][0]
            assert after_kill in (0, len(numbers)), (delay, after_kill)  # the killed import: all of it or none
            status, first = send()
            assert status == 200, first
            assert first["created"] + first["unchanged"] + first["updated"] == len(numbers), first
            assert send() == (200, first)  # the same key and file again: the first answer
            stored = _query(url, "SELECT count(*) FROM registry_person WHERE name LIKE %s", like)[0][0]
            assert stored == len(numbers), (delay, stored)  # each person once
