"""What a deployment sets: secrets from files (*_FILE), the client's address behind trusted proxies, the periodic
commands Celery beat sends."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import get_commands
from django.test import RequestFactory

from fangkong.core.middleware import client_address
from fangkong.core.tasks import PERIODIC_COMMANDS, run_command
from fangkong.settings import env


def test_a_setting_is_read_from_the_file_its_FILE_variable_names(tmp_path, monkeypatch):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("FANGKONG_EXAMPLE", "from the environment")
    assert env("FANGKONG_EXAMPLE") == "from the environment"
    monkeypatch.setenv("FANGKONG_EXAMPLE_FILE", str(secret))
    assert env("FANGKONG_EXAMPLE") == "s3cret"  # the file wins, stripped
    monkeypatch.setenv("FANGKONG_EXAMPLE_FILE", str(tmp_path / "missing"))
    with pytest.raises(RuntimeError, match="FANGKONG_EXAMPLE_FILE"):
        env("FANGKONG_EXAMPLE")


def _address(settings, remote: str, forwarded: str | None = None, trusted: list[str] | None = None) -> str:
    settings.FANGKONG = {**settings.FANGKONG, "TRUSTED_PROXIES": trusted or []}
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_x_forwarded_for_is_ignored_unless_the_request_came_through_a_trusted_proxy(settings):
    assert _address(settings, "198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert _address(settings, "198.51.100.7", "203.0.113.9", ["127.0.0.1"]) == "198.51.100.7"


def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(settings):
    trusted = ["127.0.0.1", "10.0.0.0/8"]
    assert _address(settings, "127.0.0.1", "203.0.113.9", trusted) == "203.0.113.9"
    # The client forged a first hop; the load balancer (10.x) and nginx appended theirs: the address nginx's peer
    # saw is the one believed.
    assert _address(settings, "127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.2.3", trusted) == "203.0.113.9"
    assert _address(settings, "127.0.0.1", "not-an-address", trusted) == "127.0.0.1"
    assert _address(settings, "127.0.0.1", None, trusted) == "127.0.0.1"
    assert _address(settings, "::1", "2001:db8::5", ["::1"]) == "2001:db8::5"


def test_beat_sends_only_the_platforms_periodic_commands():
    from fangkong.core.celery_app import app

    sent = {entry["args"][0] for entry in app.conf.beat_schedule.values()}
    assert sent == set(PERIODIC_COMMANDS)
    assert sent <= set(get_commands())
    with pytest.raises(ValueError):
        run_command("flush")


@pytest.mark.django_db
def test_a_periodic_command_runs_on_a_worker(caplog):
    with caplog.at_level("INFO", logger="fangkong.core.tasks"):
        assert run_command("escalate") is True
    assert "overdue tasks escalated" in caplog.text  # what it printed is in the log


@pytest.mark.django_db
def test_a_periodic_check_that_fails_is_logged_as_an_error_and_the_worker_goes_on(caplog, monkeypatch):
    # verify_audit exits 1 when the chain does not hold; an anchor that names an event that is not there is such a
    # failure, reached without altering anything.
    from fangkong.core.management.commands import verify_audit

    real = verify_audit.Command.handle
    monkeypatch.setattr(
        verify_audit.Command, "handle", lambda self, *a, **o: real(self, *a, **{**o, "anchor": "999999:00"})
    )
    with caplog.at_level("ERROR", logger="fangkong.core.tasks"):
        assert run_command("verify_audit") is False
    assert "periodic command verify_audit failed" in caplog.text
