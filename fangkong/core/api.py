"""The one Ninja API under /api/v1/: bearer-token auth, JSON errors that name the field, pagination, idempotency."""

from __future__ import annotations

import hashlib
import logging
import time
from functools import wraps
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.urls import re_path
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from . import clock, memo
from .context_vars import current_request
from .errors import Code, FieldError
from .models import ApiToken
from .params import beyond_bigint
from .ratelimit import RateLimited
from .scoping import Forbidden, NotFound, roles_for
from .text import clean_data, json_needs_cleaning

# Field devices call many times a second with the same token. A server process remembers a token's user, with
# the roles loaded, for a few seconds: deactivating a user or changing their roles takes effect within
# TOKEN_MEMO_SECONDS in every process (at once in the one that made the change, see forget_tokens). Expiry is
# checked on every call. A revoked token (logout) is refused at once everywhere when a shared cache is configured:
# revoking stamps the time in the cache, and a memo older than the stamp is read again from the database.
TOKEN_MEMO_SECONDS = 5.0
_REVOKED_KEY = "fangkong:tokens-revoked-at"
_token_memo: dict[str, tuple[float, Any]] = {}


def forget_tokens() -> None:
    _token_memo.clear()
    if _shared_cache():
        cache.set(_REVOKED_KEY, time.time(), timeout=int(TOKEN_MEMO_SECONDS * 10))


def _shared_cache() -> bool:
    return "locmem" not in settings.CACHES["default"]["BACKEND"]


memo.register(forget_tokens)


def token_row(token: str):
    """The live API token row for a bearer token, with its user and roles loaded (memoised, see above)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = time.monotonic()
    hit = _token_memo.get(digest)
    if hit is not None and now - hit[0] < TOKEN_MEMO_SECONDS and not _revoked_since(now - hit[0]):
        row = hit[1]
    else:
        # Always the primary: a token made a moment ago may not be on a replica yet, and a revoked one may linger there.
        row = ApiToken.objects.using("default").select_related("user").filter(digest=digest).order_by().first()
        if row is not None:
            roles_for(row.user)  # loaded once, reused by every request of the memo's lifetime
            _token_memo[digest] = (now, row)
    if row is None or row.expires_at <= clock.now() or not row.user.is_active:
        return None
    return row


def _revoked_since(age: float) -> bool:
    """Whether some process revoked a token after this memo was taken (`age` seconds ago)."""
    if not _shared_cache():
        return False
    stamp = cache.get(_REVOKED_KEY)
    return stamp is not None and stamp > time.time() - age


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        row = token_row(token)
        if row is None:
            return None
        request.user = row.user
        request.api_token_id = row.pk  # type: ignore[attr-defined]  # the device, for per-device rate limits
        return row.user


class _Parser(Parser):
    """Request bodies parsed by orjson: a 10,000-scan batch (1 MB) takes a third of the time json takes, and
    field devices send many. (Stricter than json: NaN and lone surrogates are refused, with a 400.) Every string
    is cleaned of control and bidirectional formatting characters (core.text) — unless the bytes show there can
    be none, which is what a scanner's batch looks like."""

    def parse_body(self, request: HttpRequest):
        body = request.body
        data = orjson.loads(body)
        return clean_data(data) if json_needs_cleaning(body) else data


class _Api(NinjaAPI):
    """The API answers JSON {detail, code} for everything a client can get wrong, not only inside an operation:
    a path that names no operation (404), a method the path does not take (405), an id no column can hold (404);
    and its OpenAPI document lists every operation's error replies (core.openapi)."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _guarded(pattern.callback)
        return [*urls, re_path(r"^.*$", _no_such_path)]

    def get_openapi_operation_id(self, operation) -> str:
        """`fangkong_<app>_api_<function>` wherever in the app's api package the function lives: an operation's id
        is a client's contract and must not change when a module is split (fangkong.testing.api.rounds.round_list
        is fangkong_testing_api_round_list, as it was when api.py was one file)."""
        parts = operation.view_func.__module__.split(".")
        if "api" in parts:
            parts = parts[: parts.index("api") + 1]
        return "_".join([*parts, operation.view_func.__name__])

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        from .openapi import complete

        return complete(self, super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = _Api(
    title="fangkong API",
    version="1",
    description="District epidemic prevention and work-safety platform. Authenticate with POST /auth/token, then "
    "send `Authorization: Bearer <token>`. Personal numbers are masked; reveal them with a reason.",
    auth=BearerAuth(),
    urls_namespace="api",
    parser=_Parser(),
)


def _error(request, status: int, detail: str, code: str, errors: list[dict] | None = None):
    """Every API error has this shape: {"detail": a sentence, "code": a stable word, "errors": [per field]}."""
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


log = logging.getLogger("fangkong.api")


def _guarded(view):
    """An operation's URL view, answering 404 for an integer path parameter beyond any id and JSON for 405."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if beyond_bigint(kwargs.values()):
            return _error(request, 404, "Not found.", "not_found")
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _error(request, 405, f"Method not allowed here; use {allowed}.", "method_not_allowed")
            response["Allow"] = allowed
        return response

    guarded.csrf_exempt = True  # type: ignore[attr-defined]  # as Ninja's own views: bearer tokens, not cookies
    return guarded


def _no_such_path(request, *args, **kwargs):
    return _error(request, 404, "No API operation at this path.", "not_found")


_no_such_path.csrf_exempt = True  # type: ignore[attr-defined]


@api.exception_handler(FieldError)
def _field_error(request, exc: FieldError):
    return _error(request, 400, exc.message, exc.code, [exc.as_dict()])


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
        # A field left out is `required`, as the same schema reads it from a page's form (core.forms).
        code = Code.REQUIRED if e.get("type") == "missing" else Code.INVALID
        errors.append({"field": ".".join(loc) or "body", "message": e.get("msg", "invalid"), "code": code})
    first = errors[0] if errors else {"field": "body", "message": "invalid", "code": Code.INVALID}
    return _error(request, 422, f"{first['field']}: {first['message']}", first["code"], errors)


@api.exception_handler(NotFound)
def _not_found(request, exc):
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    # A refusal with a rule of its own (the requester deciding: own_request) keeps its code; others are "forbidden".
    code = getattr(exc, "code", "forbidden")
    return _error(request, 403, exc.reason or "You do not have permission for this action.", code)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = _error(request, 429, "Too many requests from this device; slow down.", "rate_limited")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "Authentication required: send Authorization: Bearer <token>.", "unauthenticated")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # Ninja's "Cannot parse request body": the JSON parser's complaint (where, what) helps the client.
        return _error(request, 400, f"The request body is not valid JSON: {exc.__cause__}", "invalid_json")
    return _error(request, exc.status_code, str(exc), _HTTP_CODES.get(exc.status_code, "error"))


@api.exception_handler(Http404)
def _http404(request, exc):
    return _error(request, 404, "Not found.", "not_found")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc: SuspiciousOperation):
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, a malformed form: the
    # client's doing, and answered as such (Django itself would answer an HTML 400).
    log.warning("refused request %s: %s", _request_id(), exc)
    if isinstance(exc, RequestDataTooBig):
        largest = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error(request, 413, f"The request body is too large (at most {largest:,} bytes).", "too_large")
    return _error(request, 400, "The request could not be read.", "bad_request")


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc: Exception):
    # A number or date the database (or the calendar) cannot hold — an id of 2**70 in a body, a date in year 9999
    # plus a day: the input's fault, but logged in full in case it was ours.
    log.warning("value out of range, request %s", _request_id(), exc_info=exc)
    return _error(request, 400, "A value is out of range.", "out_of_range")


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    # Whatever else went wrong is ours: logged with the request id the client got in X-Request-ID, answered with
    # a sentence and a code — never a traceback (Ninja's default in DEBUG) or Django's HTML page.
    request_id = _request_id()
    log.error("unexpected error, request %s: %s %s", request_id, request.method, request.path, exc_info=exc)
    return _error(request, 500, f"Server error; it has been logged (request {request_id}).", "server_error")


def _request_id() -> str:
    return current_request.get().request_id


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large"}


class FieldErrorOut(Schema):
    field: str
    message: str
    code: str
    row: int | None = None


class ErrorOut(Schema):
    """Every API error: a sentence, a stable code, and the fields at fault where there are any."""

    detail: str
    code: str
    errors: list[FieldErrorOut] | None = None
    # A record merged into another (a duplicate person): its 404 says which record to ask for instead.
    merged_into: int | None = None


# ---------------------------------------------------------------- pagination


class Page(Schema):
    count: int


def page_params(page: int, page_size: int | None) -> tuple[int, int]:
    if page < 1:
        raise FieldError("page", "page starts at 1", code=Code.OUT_OF_RANGE)
    size = page_size or settings.FANGKONG["PAGE_SIZE"]
    largest = settings.FANGKONG["MAX_PAGE_SIZE"]
    if not 1 <= size <= largest:
        raise FieldError("page_size", f"page_size is between 1 and {largest}", code=Code.OUT_OF_RANGE)
    return page, size


def paginate(qs, page: int, page_size: int | None) -> tuple[list, int]:
    page, size = page_params(page, page_size)
    total = qs.count()
    start = (page - 1) * size
    if start >= total:
        return [], total  # past the end: an empty page (an offset of 2**63 would overflow the query)
    return list(qs[start : start + size]), total


# Re-exported: endpoints import the idempotency helper from here.
from .idempotency import idempotent  # noqa: E402

__all__ = ["ErrorOut", "Page", "api", "idempotent", "page_params", "paginate", "token_row"]
