"""`GET /api/v1/status/{code}` without Django's request machinery.

Checkpoint and venue scanners ask thousands of times a second at rush hour. Through Django's full stack
(middleware, URL resolution, Ninja, its response) a look-up cost about 1.5 ms of CPU on this machine — at most
about 700 a second on two cores that the database shares. This WSGI layer answers that one route itself, with
the same functions the API endpoint calls (token check, capability, per-device rate limit, the one-statement
look-up, the same reply) and hands every other request to Django untouched. The endpoint in `api.py` stays: it
documents the route in OpenAPI and answers wherever this layer is not installed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from fangkong.core.connections import tidy as tidy_connections

PREFIX = "/api/v1/status/"
log = logging.getLogger(__name__)

Start = Callable[..., Any]


def _language(environ: dict) -> str:
    for lang, _q in parse_accept_lang_header(environ.get("HTTP_ACCEPT_LANGUAGE", "")):
        if lang == "*":
            break
        try:
            return get_supported_language_variant(lang)
        except LookupError:
            continue
    from django.conf import settings

    return settings.LANGUAGE_CODE


def _respond(start: Start, status: str, body: dict, extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),  # a status changes; no proxy may keep it
        ("X-Content-Type-Options", "nosniff"),
        *(extra or []),
    ]
    start(status, headers)
    return [data]


def answer(environ: dict, start: Start) -> list[bytes]:
    """The status route, answered directly."""
    from fangkong.core.api import token_row
    from fangkong.core.errors import FieldError
    from fangkong.core.ratelimit import RateLimited
    from fangkong.core.scoping import Forbidden, NotFound

    from .scanning import scan_reply, status_scan

    auth = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = auth.partition(" ")
    row = token_row(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if row is None:
        return _respond(
            start,
            "401 Unauthorized",
            {"detail": "Authentication required: send Authorization: Bearer <token>.", "code": "unauthenticated"},
            [("WWW-Authenticate", "Bearer")],
        )
    code = environ.get("PATH_INFO", "")[len(PREFIX) :].strip("/")
    tidy_connections()
    try:
        with translation.override(_language(environ)):
            reply = scan_reply(status_scan(actor=row.user, code=code, device=str(row.pk)))
        return _respond(start, "200 OK", reply)
    # The same replies as the API's exception handlers (core.api): {detail, code}, JSON whatever happens.
    except FieldError as exc:
        return _respond(start, "400 Bad Request", {"detail": exc.message, "code": exc.code, "errors": [exc.as_dict()]})
    except Forbidden as exc:
        detail = exc.reason or "You do not have permission for this action."
        return _respond(start, "403 Forbidden", {"detail": detail, "code": "forbidden"})
    except NotFound:
        return _respond(start, "404 Not Found", {"detail": "Not found.", "code": "not_found"})
    except RateLimited as exc:
        return _respond(
            start,
            "429 Too Many Requests",
            {"detail": "Too many requests from this device; slow down.", "code": "rate_limited"},
            [("Retry-After", str(exc.retry_after))],
        )
    except Exception:
        log.exception("status look-up failed: %s", code)
        return _respond(
            start, "500 Internal Server Error", {"detail": "Server error; it has been logged.", "code": "server_error"}
        )
    finally:
        tidy_connections()


def passes_django_checks(environ: dict) -> bool:
    """Whether Django's own request checks would let this request through: a Host header among ALLOWED_HOSTS, and
    HTTPS where production redirects plain HTTP. A request that fails them goes to Django, which answers it as
    it answers every other (400 for a forged Host, a redirect to HTTPS) — this layer never serves what Django
    would refuse."""
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    if not domain or not validate_host(domain, allowed):
        return False
    if settings.SECURE_SSL_REDIRECT:
        if settings.SECURE_PROXY_SSL_HEADER:
            header, secure_value = settings.SECURE_PROXY_SSL_HEADER
            return environ.get(header, "").split(",")[0].strip() == secure_value
        return environ.get("wsgi.url_scheme") == "https"
    return True


def install(application: Callable[[dict, Start], Iterable[bytes]]) -> Callable[[dict, Start], Iterable[bytes]]:
    """Wrap Django's WSGI application: the status route goes to `answer`, everything else to Django."""

    def app(environ: dict, start: Start) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO", "").startswith(PREFIX)
            and passes_django_checks(environ)
        ):
            return answer(environ, start)
        return application(environ, start)

    return app
