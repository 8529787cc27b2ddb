"""core/events.py keeps its promise: an in-transaction subscriber's error rolls the announcing fact back; an
after-commit subscriber's error is logged, undoes nothing, and the other subscribers still hear the event.

The event is a throwaway name subscribed to here only; the fact is a user row written in the announcing
transaction. Real commits (transactional_db): on_commit fires as it does in production, not in a test's savepoint.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from fangkong.core import events

EVENT = "tests.fact_announced"


class Boom(Exception):
    pass


class Heard:
    """Recording subscribers of EVENT: `heard(name, in_transaction=..., fail=...)` adds one; `calls` in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.handlers: list = []

    def __call__(self, name: str, *, in_transaction: bool = False, fail: bool = False) -> None:
        def handler(payload) -> None:
            self.calls.append((name, dict(payload)))
            if fail:
                raise Boom(name)

        handler.__name__ = name
        events.subscribe(EVENT, handler, in_transaction=in_transaction)
        self.handlers.append(handler)


@pytest.fixture
def heard():
    recorder = Heard()
    yield recorder
    for handler in recorder.handlers:
        events.unsubscribe(EVENT, handler)
    assert not events._handlers[EVENT] and not events._in_transaction[EVENT]


def _announce(username: str) -> None:
    with transaction.atomic():
        user = get_user_model().objects.create_user(username)
        events.emit(EVENT, {"user_id": user.pk})


def test_an_in_transaction_subscriber_that_fails_rolls_the_fact_back(transactional_db, heard):
    heard("derived", in_transaction=True)
    heard("refuses", in_transaction=True, fail=True)
    heard("message")  # after commit: there is none
    with pytest.raises(Boom):
        _announce("fact-rolled-back")
    assert not get_user_model().objects.filter(username="fact-rolled-back").exists()
    assert [name for name, _ in heard.calls] == ["derived", "refuses"]  # the message never left


def test_an_after_commit_subscriber_that_fails_is_logged_and_undoes_nothing(transactional_db, heard, caplog):
    caplog.set_level(logging.ERROR, logger="fangkong.core.events")
    heard("derived", in_transaction=True)
    heard("first")
    heard("fails", fail=True)
    heard("last")
    with transaction.atomic():
        user = get_user_model().objects.create_user("fact-kept")
        events.emit(EVENT, {"user_id": user.pk})
        assert [name for name, _ in heard.calls] == ["derived"]  # the others wait for the commit
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert heard.calls == [(name, {"user_id": user.pk}) for name in ("derived", "first", "fails", "last")]
    failures = [r for r in caplog.records if r.name == "fangkong.core.events" and r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].getMessage() == f"handler fails of {EVENT} failed"
    assert failures[0].exc_info and failures[0].exc_info[0] is Boom


def test_outside_a_transaction_after_commit_subscribers_run_at_once(transactional_db, heard, caplog):
    caplog.set_level(logging.ERROR, logger="fangkong.core.events")
    heard("fails", fail=True)
    heard("last")
    user = get_user_model().objects.create_user("autocommit")
    events.emit(EVENT, {"user_id": user.pk})  # no error reaches the announcer
    assert [name for name, _ in heard.calls] == ["fails", "last"]
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert any(r.name == "fangkong.core.events" and r.levelno == logging.ERROR for r in caplog.records)
