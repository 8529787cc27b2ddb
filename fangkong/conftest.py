"""Personas and a small district shared by every app's tests.

District D has street S1 (community A with grids A1, A2) and street S2 (community B with grid B1).
Personas: hq (district HQ), street1 (street officer of S1), worker_a (community worker of A),
worker_b (community worker of B: the outsider for anything in A), unit_staff (a role with no register powers).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.backends.signals import connection_created
from django.test import Client

from fangkong.core.ids import DocType, check_char
from fangkong.registry.counts import residents_add
from fangkong.registry.models import Jurisdiction, Person, RoleAssignment, Unit
from fangkong.registry.services import PersonData, person_fields

PASSWORD = "test-password-123"


def _allow_audit_truncate(sender, connection, **kwargs):
    # The audit table refuses TRUNCATE on PostgreSQL (migration core 0007) unless the session asks on purpose; the
    # test runner empties its own database between transactional tests with TRUNCATE.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET fangkong.allow_audit_truncate = 'on'")


connection_created.connect(_allow_audit_truncate)


@pytest.fixture(scope="session")
def _test_db_plan(request, django_db_modify_db_settings_parallel_suffix) -> Iterator[tuple[bool, bool]]:
    """The test database kept between runs, safely (fangkong/testdb.py): (keepdb, createdb) for pytest-django."""
    from django.conf import settings

    from fangkong import testdb

    yield from testdb.settle(
        settings.DATABASES["default"],
        Path(settings.HOME),
        reuse_db=bool(request.config.getvalue("reuse_db")),
        create_db=bool(request.config.getvalue("create_db")),
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(_test_db_plan) -> None:
    """The name was set by _test_db_plan."""


@pytest.fixture(scope="session")
def django_db_keepdb(_test_db_plan) -> bool:
    return _test_db_plan[0]


@pytest.fixture(scope="session")
def django_db_createdb(_test_db_plan) -> bool:
    return _test_db_plan[1]


_seq = itertools.count(1)


def make_id_number(birth: str = "19900101", area: str = "211103") -> str:
    """A valid, unique resident ID number (the sequence part comes from a counter)."""
    first17 = f"{area}{birth}{next(_seq) % 1000:03d}"
    return first17 + check_char(first17)


def other_connection(*, user: str | None = None, autocommit: bool = False):
    """Another connection to the test database (PostgreSQL), beside the test's own: a report holding a lock, a
    batch committing meanwhile, a role without rights. The caller closes it."""
    import psycopg
    from django.db import connection

    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    if user is not None:
        params["user"] = user
    return psycopg.connect(**params, autocommit=autocommit)


def make_jurisdiction(segment: str, name: str, level: str, parent: Jurisdiction | None = None) -> Jurisdiction:
    """`segment` is this level's part of the code and path (the code is the parent's code + segment)."""
    path = f"{parent.path}{segment}/" if parent else f"{segment}/"
    code = f"{parent.code}{segment}" if parent else segment
    return Jurisdiction.objects.create(code=code, name=name, level=level, kind=level, parent=parent, path=path)


def make_person(
    community: Jurisdiction,
    grid: Jurisdiction | None = None,
    *,
    name: str = "张三",
    number: str | None = None,
    phone: str = "13812345678",
    doc_type: str = DocType.RESIDENT_ID,
) -> Person:
    data = PersonData(
        name=name,
        doc_type=doc_type,
        document_number=number or make_id_number(),
        phone=phone,
        community=community,
        grid=grid,
    )
    person = Person.objects.create(**person_fields(data))
    residents_add({person.jpath: 1})  # as the register's services do (registry.counts)
    return person


def sign_in_resident(phone: str, *, language: str = "en") -> Client:
    """A resident signed in at /me/ as residents are: their phone, then the one-time code the text message (the
    log channel in tests) carried."""
    import re

    from django.test import TestCase

    from fangkong.core.sms import LogChannel

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    LogChannel.sent.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/me/login/", {"phone": phone})
    code = re.search(r"\d{6}", LogChannel.sent[-1][1]).group(0)  # type: ignore[union-attr]
    assert client.post("/me/login/", {"phone": phone, "code": code}).status_code == 302
    return client


def make_user(username: str, role: str, *, jurisdiction: Jurisdiction | None = None, unit: Unit | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, jurisdiction=jurisdiction, unit=unit)
    return user


@dataclass
class District:
    d: Jurisdiction
    s1: Jurisdiction
    s2: Jurisdiction
    a: Jurisdiction
    a1: Jurisdiction
    a2: Jurisdiction
    b: Jurisdiction
    b1: Jurisdiction
    hq: object
    street1: object
    worker_a: object
    worker_b: object
    unit_staff: object
    person_a: Person
    person_b: Person

    def client(self, user) -> Client:
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(user)
        return c


@pytest.fixture
def district(db) -> District:
    d = make_jurisdiction("211103", "兴隆台区", "district")
    s1 = make_jurisdiction("001", "新工街道", "street", d)
    s2 = make_jurisdiction("002", "振兴街道", "street", d)
    a = make_jurisdiction("001", "园丁社区", "community", s1)
    a1 = make_jurisdiction("01", "第一网格", "grid", a)
    a2 = make_jurisdiction("02", "第二网格", "grid", a)
    b = make_jurisdiction("001", "胜利社区", "community", s2)
    b1 = make_jurisdiction("01", "第一网格", "grid", b)
    lab = Unit.objects.create(kind="lab", name="实验室", code="LAB1", jurisdiction=d, jpath=d.path)
    return District(
        d=d,
        s1=s1,
        s2=s2,
        a=a,
        a1=a1,
        a2=a2,
        b=b,
        b1=b1,
        hq=make_user("hq", "hq_admin", jurisdiction=d),
        street1=make_user("street1", "street_officer", jurisdiction=s1),
        worker_a=make_user("worker_a", "community_worker", jurisdiction=a),
        worker_b=make_user("worker_b", "community_worker", jurisdiction=b),
        unit_staff=make_user("unit_staff", "lab_staff", unit=lab),
        person_a=make_person(a, a1, name="李四", phone="13912345678"),
        person_b=make_person(b, b1, name="王五", phone="13712345678"),
    )


@pytest.fixture
def api_token(client):
    """api_token(user) → headers with a bearer token obtained through the real token endpoint."""

    def get(user) -> dict:
        r = client.post(
            "/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, content_type="application/json"
        )
        assert r.status_code == 200, r.content
        return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}

    return get


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files (task attachments) go to a temporary folder, not to the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_memo():
    # Configuration memoised per process (core.memo), and counters in the cache (rate limits keyed by ids that
    # the next test's database hands out again), must not leak from one test into the next.
    from django.core.cache import cache

    from fangkong.core import memo

    memo.clear_all()
    cache.clear()
    yield
    memo.clear_all()
    cache.clear()


@pytest.fixture(autouse=True)
def _english_messages():
    # Service-level tests assert English messages; requests still pick their language from Accept-Language.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2's million rounds per login would dominate the suite's time; hashing strength is Django's to test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _jobs_run_inline(settings):
    # Background jobs run synchronously at commit in tests; no threads outliving a test.
    settings.FANGKONG = {**settings.FANGKONG, "INLINE_JOBS_IN_THREAD": False}


@pytest.fixture(autouse=True)
def _alert_streams_inline(settings):
    # The hall's alert stream asks the database itself rather than through the process's watcher thread, whose own
    # connection would not see a test's uncommitted rows (core.alertstream).
    settings.ALERT_STREAM_INLINE = True
