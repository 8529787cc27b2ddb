"""Idempotency keys: a retried request gets the first reply instead of doing the work twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import clock
from .errors import Code, FieldError
from .models import IdempotencyRecord

IN_PROGRESS = 0

# How long stored replies are kept, in days: the data-protection module's period for them (it registers its reader
# at start-up); 1, the least that period may be, where nothing is registered.
_reply_days: list[Callable[[], int]] = []


def register_reply_period(days: Callable[[], int]) -> None:
    _reply_days[:] = [days]


def replies_kept_days() -> int:
    """How long a key is remembered: a request sent again after that is not known as the same one."""
    return _reply_days[0]() if _reply_days else 1


def idempotent(
    request: HttpRequest,
    scope: str,
    run: Callable[[], tuple[int, dict]],
    *,
    replay_status: int | None = None,
    fingerprint: bytes | None = None,
    required: bool = False,
    key: str | None = None,
    stored: Callable[[dict], dict] | None = None,
) -> tuple[int, dict]:
    """Run once per (user, endpoint, Idempotency-Key); a retry with the same key gets the first reply (with
    `replay_status` if given: 200 instead of 201 tells a scanner its retry was recognised).

    The key is claimed (unique row) before the work starts, so two concurrent retries cannot both run it.
    A key that comes again with a different request is 409, never a replay: two rosters sent with one key would
    otherwise both get the first file's reply and the second would silently never be imported. What "the same
    request" means is `request_fingerprint` unless the caller passes the bytes that identify it (`fingerprint`).
    `stored`: what of the reply is kept for a replay, where the reply holds what must not rest in the database (a
    drawn password: a replay answers without it, and the administrator resets the account)."""
    key = (key if key is not None else request.headers.get("Idempotency-Key", "")).strip()
    if not key:
        if required:
            raise FieldError(
                "Idempotency-Key",
                _("This endpoint needs an Idempotency-Key header (a fresh one per request)."),
                code=Code.REQUIRED,
            )
        return run()
    if len(key) > 128:
        raise FieldError("Idempotency-Key", _("at most 128 characters"), code=Code.TOO_LONG)
    user: Any = request.user  # set by the authentication: always an authenticated User here
    digest = hashlib.sha256(fingerprint if fingerprint is not None else request_fingerprint(request)).hexdigest()
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
                    "detail": _("This Idempotency-Key was used for a different request."),
                    "code": "idempotency_key_reused",
                    "errors": [
                        {
                            "field": "Idempotency-Key",
                            "message": _("reused with a different request"),
                            "code": "idempotency_key_reused",
                        }
                    ],
                }
            if first.status_code == IN_PROGRESS:
                return 409, {
                    "detail": _("A request with this Idempotency-Key is still being processed; retry shortly."),
                    "code": "idempotency_key_in_progress",
                }
            return (replay_status or first.status_code) if first.status_code < 300 else first.status_code, first.body
        status, body = run()
        if status >= 500:
            transaction.set_rollback(True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {IdempotencyRecord._meta.db_table} SET status_code = %s, body = %s"
                    " WHERE user_id = %s AND scope = %s AND key = %s",
                    [status, json.dumps(stored(body) if stored else body, cls=DjangoJSONEncoder), user.pk, scope, key],
                )
    return status, body


def request_fingerprint(request: HttpRequest, *, ignore: tuple[str, ...] = ()) -> bytes:
    """What makes two requests the same request, for idempotency: the method, the path and the query, and the body —
    the raw bytes of a JSON body (a client's retry resends them unchanged), but the fields and each file's content
    for a form (a multipart retry has a fresh boundary; a page's form carries a fresh CSRF token each time it is
    drawn, which is not part of what is asked). `ignore`: form fields that are not part of what is asked either (a
    field page's scan time: the phone's outbox sends a scan first posted online again with the time it was taken —
    the same scan)."""
    parts = [request.method or "", request.get_full_path()]
    content_type = request.content_type or ""
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in sorted(request.POST):
            if name != "csrfmiddlewaretoken" and name not in ignore:
                parts.append(f"{name}={request.POST.getlist(name)!r}")
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                parts.append(f"{name}:{digest.hexdigest()}")
        return "\n".join(parts).encode()
    return "\n".join(parts).encode() + b"\n" + request.body
