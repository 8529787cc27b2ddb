"""/healthz and /readyz for load balancers, answered in the WSGI layer (site/wsgi.py) as in production."""

from __future__ import annotations

import io
import json

import pytest
from django.test import override_settings

from fangkong.site.wsgi import application

pytestmark = pytest.mark.django_db


def _get(path: str, host: str = "127.0.0.1") -> tuple[str, dict, dict]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": host,
        "SERVER_PORT": "8000",
        "HTTP_HOST": f"{host}:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    started: list = []
    body = b"".join(application(environ, lambda status, headers: started.append((status, dict(headers)))))  # type: ignore[arg-type]
    status, headers = started[0]
    return status, headers, json.loads(body) if headers.get("Content-Type") == "application/json" else {}


def _redis(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "fangkong.core.rediscache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_healthz_answers_whenever_the_process_does():
    status, headers, body = _get("/healthz")
    assert (status, body) == ("200 OK", {"status": "ok"}) and headers["Cache-Control"] == "no-store"


def test_readyz_on_the_embedded_default():
    status, _h, body = _get("/readyz")
    assert status == "200 OK"
    assert body == {"database": "ok", "cache": "not configured", "broker": "not configured"}


# override_settings rather than the settings fixture: the cache must be back before the suite's own fixtures clear
# it at the test's end (an unreachable one would fail them).
def test_readyz_names_an_unreachable_broker_and_cache():
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CACHES=_redis("redis://127.0.0.1:1/1")):
        status, _h, body = _get("/readyz")
    assert status == "503 Service Unavailable"
    assert body == {"database": "ok", "cache": "unreachable", "broker": "unreachable"}


def test_readyz_with_redis_as_cache_and_broker():
    """Redis runs on this machine (.ci/run starts it): both answer."""
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CACHES=_redis("redis://127.0.0.1:6379/1")):
        status, _h, body = _get("/readyz")
    assert (status, body) == ("200 OK", {"database": "ok", "cache": "ok", "broker": "ok"})


def test_a_balancer_probes_a_node_by_its_own_address():
    """Not a host the site serves (Django would answer 400): the probes are answered before its host check."""
    assert _get("/healthz", "10.0.0.21")[0] == "200 OK"
    status, _h, body = _get("/readyz", "10.0.0.21")
    assert status == "200 OK" and body["database"] == "ok"
    assert _get("/api/v1/people", "10.0.0.21")[0].startswith("400")  # everything else is Django's, as before
