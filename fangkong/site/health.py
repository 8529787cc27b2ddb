"""/healthz and /readyz for load balancers and `fangkong stack status`.

/healthz answers 200 whenever the process does (a node that hangs or died is taken out of rotation). /readyz
asks what a request needs — the database, the shared cache, the broker — each with a timeout of a few seconds, and
answers 503 naming what is unreachable, so a balancer sends nothing to a node that could only fail. Neither says
more than "ok", "unreachable" or "skipped": the reason (an address, a password error, a lag) goes to the log.
Both are answered in the WSGI layer, before Django (`install`); the proxy in front keeps them to its own networks.
"""

from __future__ import annotations

import json
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction

from fangkong.core import replicas
from fangkong.core.connections import tidy as tidy_connections

log = logging.getLogger(__name__)

OK, DOWN, NONE = "ok", "unreachable", "not configured"


def database() -> str:
    try:
        # A primary that answers the connection but not the statement costs the probe two seconds, not a thread.
        with transaction.atomic(), connections["default"].cursor() as cursor:
            if connections["default"].vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = 2000")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("readyz: the database does not answer")
        connections["default"].close()
        return DOWN
    return OK


def shared_cache() -> str:
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        return NONE  # a process's own memory: nothing to reach
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, 10)
        ok = cache.get(key) == 1
        cache.delete(key)
    except Exception:  # redis-py's own errors: the cache backend does not wrap them
        log.exception("readyz: the cache does not answer")
        return DOWN
    return OK if ok else DOWN


def broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NONE  # jobs run in the web process
    from fangkong.core.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu's errors, whatever the transport
        log.exception("readyz: the broker does not answer")
        return DOWN
    return OK


def readiness() -> tuple[bool, dict[str, object]]:
    checks: dict[str, object] = {"database": database(), "cache": shared_cache(), "broker": broker()}
    ready = all(v != DOWN for v in checks.values())
    if replicas.aliases():
        # Informational: a replica that is down or late is skipped, so the node is still ready. Why it is skipped
        # (unreachable, lagging) goes to the log.
        checks["replicas"] = {alias: OK if state["usable"] else "skipped" for alias, state in replicas.status().items()}
    return ready, checks


def install(application):
    """Answer /healthz and /readyz before Django's stack (site/wsgi.py): a load balancer probes each node by its own
    address, which is no host the site serves (ALLOWED_HOSTS would refuse it with 400), and a probe needs neither
    sessions nor middleware."""

    def app(environ, start):
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/readyz") and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            if path == "/healthz":
                ready, body = True, {"status": "ok"}
            else:
                ready, body = readiness()
                tidy_connections()
            data = json.dumps(body).encode()
            start(
                "200 OK" if ready else "503 Service Unavailable",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(data))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [data]
        return application(environ, start)

    return app
