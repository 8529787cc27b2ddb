"""The one Ninja API under /api/v1/: bearer-token auth, JSON errors that name the field, pagination, idempotency."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from . import clock, memo
from .audit import audit_record
from .errors import FieldError
from .models import ApiToken, IdempotencyRecord
from .ratelimit import RateLimited
from .scoping import Forbidden, NotFound, roles_for

TOKEN_LIFETIME = timedelta(hours=12)


# Field devices call many times a second with the same token. A server process remembers a token's user, with
# the roles loaded, for a few seconds: revoking a token, deactivating a user or changing their roles takes
# effect within TOKEN_MEMO_SECONDS in every process (at once in the one that made the change, see
# forget_tokens). Expiry is checked on every call.
TOKEN_MEMO_SECONDS = 5.0
_token_memo: dict[str, tuple[float, Any]] = {}


def forget_tokens() -> None:
    _token_memo.clear()


memo.register(forget_tokens)


def token_row(token: str):
    """The live API token row for a bearer token, with its user and roles loaded (memoised, see above)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    now = time.monotonic()
    hit = _token_memo.get(digest)
    if hit is not None and now - hit[0] < TOKEN_MEMO_SECONDS:
        row = hit[1]
    else:
        row = ApiToken.objects.select_related("user").filter(digest=digest).order_by().first()
        if row is not None:
            roles_for(row.user)  # loaded once, reused by every request of the memo's lifetime
            _token_memo[digest] = (now, row)
    if row is None or row.expires_at <= clock.now() or not row.user.is_active:
        return None
    return row


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
    field devices send many. (Stricter than json: NaN and lone surrogates are refused, with a 400.)"""

    def parse_body(self, request: HttpRequest):
        return orjson.loads(request.body)


api = NinjaAPI(
    title="fangkong API",
    version="1",
    description="District epidemic prevention and work-safety platform. Authenticate with POST /auth/token, then "
    "send `Authorization: Bearer <token>`. Personal numbers are masked; reveal them with a reason.",
    auth=BearerAuth(),
    urls_namespace="api",
    parser=_Parser(),
)


def _error(request, status: int, detail: str, errors: list[dict] | None = None):
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(FieldError)
def _field_error(request, exc: FieldError):
    return _error(request, 400, exc.message, [exc.as_dict()])


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
        errors.append({"field": ".".join(loc) or "body", "message": e.get("msg", "invalid")})
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return _error(request, 422, f"{first['field']}: {first['message']}", errors)


@api.exception_handler(NotFound)
def _not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    return _error(request, 403, exc.reason or "You do not have permission for this action.")


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = _error(request, 429, "Too many requests from this device; slow down.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, "Authentication required: send Authorization: Bearer <token>.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


# ---------------------------------------------------------------- auth


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class ErrorOut(Schema):
    detail: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut}, tags=["auth"])
def token_create(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (valid 12 hours)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"detail": "Wrong username or password."})
    token = secrets.token_urlsafe(32)
    expires = clock.now() + TOKEN_LIFETIME
    row = ApiToken.objects.create(user=user, digest=hashlib.sha256(token.encode()).hexdigest(), expires_at=expires)
    audit_record(
        actor=user,
        action="auth.token",
        object_type="core.apitoken",
        object_id=row.pk,
        object_repr=user.get_username(),
        fields={"expires_at": expires.isoformat()},
    )
    return {"token": token, "expires_at": expires.isoformat()}


# ---------------------------------------------------------------- pagination


class Page(Schema):
    count: int


def page_params(page: int, page_size: int | None) -> tuple[int, int]:
    if page < 1:
        raise FieldError("page", "page starts at 1")
    size = page_size or settings.FANGKONG["PAGE_SIZE"]
    largest = settings.FANGKONG["MAX_PAGE_SIZE"]
    if not 1 <= size <= largest:
        raise FieldError("page_size", f"page_size is between 1 and {largest}")
    return page, size


def paginate(qs, page: int, page_size: int | None) -> tuple[list, int]:
    page, size = page_params(page, page_size)
    start = (page - 1) * size
    return list(qs[start : start + size]), qs.count()


# ---------------------------------------------------------------- idempotency


IN_PROGRESS = 0


def idempotent(
    request: HttpRequest,
    scope: str,
    run: Callable[[], tuple[int, dict]],
    *,
    replay_status: int | None = None,
    fingerprint: bytes | None = None,
    required: bool = False,
    key: str | None = None,
) -> tuple[int, dict]:
    """Run once per (user, endpoint, Idempotency-Key); a retry with the same key gets the first reply (with
    `replay_status` if given: 200 instead of 201 tells a scanner its retry was recognised).

    The key is claimed (unique row) before the work starts, so two concurrent retries cannot both run it.
    `fingerprint` (the request body) makes a reused key with a different request an error instead of a replay.
    """
    key = (key if key is not None else request.headers.get("Idempotency-Key", "")).strip()
    if not key:
        if required:
            raise FieldError(
                "Idempotency-Key", "This endpoint needs an Idempotency-Key header (a fresh one per request)."
            )
        return run()
    if len(key) > 128:
        raise FieldError("Idempotency-Key", "at most 128 characters")
    user: Any = request.user  # set by the authentication: always an authenticated User here
    digest = hashlib.sha256(fingerprint).hexdigest() if fingerprint is not None else ""
    # The claim, the work and the stored reply commit together: a failure leaves no trace (the key is free for
    # a corrected retry), and a concurrent retry waits on the claim's unique index until the first one commits,
    # then replays it. One commit per request, not three.
    with transaction.atomic():
        # INSERT … ON CONFLICT DO NOTHING claims the key without an exception (and so without a savepoint);
        # a concurrent holder of the same key makes this statement wait until it commits or rolls back.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {IdempotencyRecord._meta.db_table} (user_id, scope, key, request_hash, status_code, body,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, scope, key) DO NOTHING",
                [user.pk, scope, key, digest, IN_PROGRESS, "{}", clock.now()],
            )
            claimed = cursor.rowcount == 1
        if not claimed:
            first = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
            if first.request_hash != digest:
                return 409, {
                    "detail": "This Idempotency-Key was used for a different request.",
                    "errors": [{"field": "Idempotency-Key", "message": "reused with a different request"}],
                }
            if first.status_code == IN_PROGRESS:
                return 409, {"detail": "A request with this Idempotency-Key is still being processed; retry shortly."}
            return (replay_status or first.status_code) if first.status_code < 300 else first.status_code, first.body
        status, body = run()
        if status >= 500:
            transaction.set_rollback(True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {IdempotencyRecord._meta.db_table} SET status_code = %s, body = %s"
                    " WHERE user_id = %s AND scope = %s AND key = %s",
                    [status, json.dumps(body, cls=DjangoJSONEncoder), user.pk, scope, key],
                )
    return status, body
