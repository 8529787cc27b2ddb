"""/healthz and /readyz for load balancers."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_whenever_the_process_does(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}
    assert reply["Cache-Control"] == "no-store"


def test_readyz_on_the_embedded_default(client):
    reply = client.get("/readyz")
    assert reply.status_code == 200
    assert reply.json() == {"database": "ok", "cache": "not configured", "broker": "not configured"}


def _redis(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


# override_settings rather than the settings fixture: the cache must be back before the suite's own fixtures clear
# it at the test's end (an unreachable one would fail them).
def test_readyz_names_an_unreachable_broker_and_cache(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CACHES=_redis("redis://127.0.0.1:1/1")):
        reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.json() == {"database": "ok", "cache": "unreachable", "broker": "unreachable"}


def test_readyz_with_redis_as_cache_and_broker(client):
    """Redis runs on this machine (.ci/run starts it): both answer."""
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0", CACHES=_redis("redis://127.0.0.1:6379/1")):
        reply = client.get("/readyz")
    assert (reply.status_code, reply.json()) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})


def _wsgi(path: str, host: str) -> tuple[str, dict]:
    import io
    import json

    from fangkong.site.wsgi import application

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
    status = []
    body = b"".join(application(environ, lambda s, h: status.append(s)))  # type: ignore[arg-type]
    return status[0], json.loads(body)


def test_a_balancer_probes_a_node_by_its_own_address():
    """Not a host the site serves (Django would answer 400): the probes are answered before its host check."""
    assert _wsgi("/healthz", "10.0.0.21") == ("200 OK", {"status": "ok"})
    status, body = _wsgi("/readyz", "10.0.0.21")
    assert status == "200 OK" and body["database"] == "ok"
    assert _wsgi("/api/v1/people", "10.0.0.21")[0].startswith("400")  # everything else is Django's, as before
