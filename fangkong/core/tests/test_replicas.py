"""Reads on replicas (core.replicas): which requests' reads may lag, the writer's pin, a replica skipped when it
does not answer or lags, a GET run again on the primary when its replica fails."""

from __future__ import annotations

import copy

import pytest
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from fangkong.core import replicas
from fangkong.registry.models import Person


@pytest.fixture
def db_outside_transactions(django_db_setup, django_db_blocker):
    """The test database, reachable, without the transaction a django_db test runs in (these tests only read): the
    router sends nothing to a replica from inside a transaction, which is the point of several tests here. (The
    test database is made for the session when some test is marked django_db: the last test here is.)"""
    with django_db_blocker.unblock():
        yield


def _add_replica(monkeypatch, alias: str, **changes) -> None:
    from django.conf import settings

    conf = copy.deepcopy(connections["default"].settings_dict)  # the test database's own name
    conf.update(changes)
    # Django's connection handler reads the same dict as settings.DATABASES (undone after the test).
    for databases in {id(d): d for d in (connections.settings, settings.DATABASES)}.values():
        monkeypatch.setitem(databases, alias, conf)


@pytest.fixture
def replica(db_outside_transactions, monkeypatch):
    """A replica that answers: a second connection to the test database (a primary answers with lag 0)."""
    replicas._health.clear()
    _add_replica(monkeypatch, "replica1")
    yield "replica1"
    connections["replica1"].close()
    del connections["replica1"]
    replicas._health.clear()


@pytest.fixture
def dead_replica(db_outside_transactions, monkeypatch):
    """A replica that cannot be reached."""
    replicas._health.clear()
    if connections["default"].vendor == "postgresql":
        _add_replica(monkeypatch, "replica9", HOST="127.0.0.1", PORT=1, OPTIONS={"connect_timeout": 1})
    else:
        _add_replica(monkeypatch, "replica9", NAME="/nonexistent/dir/replica.sqlite3")
    yield "replica9"
    del connections["replica9"]
    replicas._health.clear()


def _where_reads_go(request) -> HttpResponse:
    return HttpResponse(replicas.ReplicaRouter().db_for_read(Person))


def _through_response(request, view=_where_reads_go) -> HttpResponse:
    return replicas.ReplicaMiddleware(view)(request)


def _through(request, view=_where_reads_go) -> str:
    return _through_response(request, view).content.decode()


def test_a_get_request_reads_from_the_replica_and_a_post_from_the_primary(replica):
    rf = RequestFactory()
    assert _through(rf.get("/people/")) == replica
    assert _through(rf.post("/people/")) == "default"


def test_reads_inside_a_transaction_go_to_the_primary(replica):
    def view(request):
        with transaction.atomic():
            return _where_reads_go(request)

    assert _through(RequestFactory().get("/"), view) == "default"


def test_a_client_that_wrote_reads_the_primary_for_a_while(replica, settings):
    rf = RequestFactory()
    writer = {"HTTP_AUTHORIZATION": "Bearer writer-token"}
    _through(rf.post("/api/v1/passages", **writer))
    assert _through(rf.get("/api/v1/passages", **writer)) == "default"
    # Another client is not pinned; nor is the writer once the pin has expired.
    assert _through(rf.get("/api/v1/passages", HTTP_AUTHORIZATION="Bearer other")) == replica
    settings.FANGKONG = {**settings.FANGKONG, "READ_YOUR_WRITES_SECONDS": 0}
    _through(rf.post("/api/v1/passages", HTTP_AUTHORIZATION="Bearer brief"))
    assert _through(rf.get("/api/v1/passages", HTTP_AUTHORIZATION="Bearer brief")) == replica


def test_signing_in_pins_the_new_session(replica, settings):
    rf = RequestFactory()

    def sign_in(request):
        response = HttpResponse("ok")
        response.set_cookie(settings.SESSION_COOKIE_NAME, "new-session-key")
        return response

    replicas.ReplicaMiddleware(sign_in)(rf.post("/login/"))
    rf.cookies[settings.SESSION_COOKIE_NAME] = "new-session-key"
    assert _through(rf.get("/")) == "default"


def test_a_replica_that_does_not_answer_is_skipped(dead_replica):
    assert _through(RequestFactory().get("/")) == "default"
    assert replicas.status()[dead_replica]["reason"].startswith("unreachable")
    assert replicas.lag_tolerant_alias() == "default"


def test_a_lagging_replica_is_skipped(replica, settings):
    settings.FANGKONG = {**settings.FANGKONG, "REPLICA_MAX_LAG_SECONDS": -1}
    assert _through(RequestFactory().get("/")) == "default"
    assert replicas.status()[replica]["reason"].startswith("lagging")


def test_a_replica_checked_well_is_asked_again_only_after_the_interval(replica, settings):
    assert replicas.check(replica).usable
    settings.FANGKONG = {**settings.FANGKONG, "REPLICA_MAX_LAG_SECONDS": -1}
    assert replicas.check(replica).usable  # the last answer, within REPLICA_CHECK_SECONDS
    settings.FANGKONG = {**settings.FANGKONG, "REPLICA_CHECK_SECONDS": 0}
    assert not replicas.check(replica).usable


def test_a_get_that_fails_on_a_replica_that_stopped_is_answered_from_the_primary(replica):
    calls = []

    def view(request):
        alias = replicas.ReplicaRouter().db_for_read(Person)
        calls.append(alias)
        if alias == "default":
            return HttpResponse(alias)
        # The replica goes away in the middle of the request: the API answers such a failure with a 500 itself.
        connections[alias].close()
        connections[alias].settings_dict.update(NAME="/nonexistent/dir/gone.sqlite3", HOST="127.0.0.1", PORT=1)
        return HttpResponse("server error", status=500)

    response = _through_response(RequestFactory().get("/"), view)
    assert calls == [replica, "default"] and response.content == b"default"
    assert not replicas.status()[replica]["usable"]


def test_a_server_error_with_a_replica_that_answers_is_not_retried(replica):
    calls = []

    def view(request):
        calls.append(replicas.ReplicaRouter().db_for_read(Person))
        return HttpResponse("a bug", status=500)

    assert _through_response(RequestFactory().get("/"), view).status_code == 500
    assert calls == [replica]


def test_nothing_is_routed_without_replicas():
    from django.core.exceptions import MiddlewareNotUsed

    assert replicas.aliases() == []
    with pytest.raises(MiddlewareNotUsed):
        replicas.ReplicaMiddleware(_where_reads_go)
    assert replicas.lag_tolerant_alias() == "default"


@pytest.mark.django_db
def test_migrations_run_on_the_primary_only():
    router = replicas.ReplicaRouter()
    assert router.db_for_read(Person) == "default"  # outside a request that may lag
    assert router.allow_migrate("default", "registry") and not router.allow_migrate("replica1", "registry")
    assert router.db_for_write(Person) == "default"
