"""The field pages' outbox on the server's side (issue 22; the page's side is core/static/fangkong/outbox.js).

A scan the phone kept (offline, or posted while the network failed) comes with the time it was taken, by the
phone's clock, and the phone's clock at sending (`X-Fangkong-Sent-At`). The server's clock at arrival less the
phone's at sending is how far the phone's clock is off (give or take the request's transit): a phone whose clock
runs an hour slow has its scans placed at the hour they were taken. The same scan may come twice — first posted
online (its time left to the server), then sent again by the outbox with its time — so its time is not part of
what makes two requests the same (`fingerprint`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import clock
from .errors import Code, FieldError
from .idempotency import idempotent, replies_kept_days, request_fingerprint

SENT_AT = "X-Fangkong-Sent-At"
TOLERANCE = timedelta(seconds=30)  # less than this is transit, not a clock off
LIMIT = timedelta(days=2)  # more than this is not a clock: the phone's time is kept, and checked as it is


def phone_offset(request: HttpRequest) -> timedelta:
    """How far the sending phone's clock is behind the server's (negative: ahead); zero when not told or within
    the tolerance."""
    try:
        sent = parse_datetime(request.headers.get(SENT_AT, "") or "")
    except ValueError:  # well formed, but no time (the 30th of February): not told
        return timedelta(0)
    if sent is None or sent.tzinfo is None:
        return timedelta(0)
    offset = clock.now() - sent
    return offset if TOLERANCE < abs(offset) < LIMIT else timedelta(0)


def kept_limit() -> timedelta:
    """How long a phone may keep a scan and still send it: the stored replies' period, less an hour for the request
    on its way. The outbox turns a scan older than this into a refusal on the phone itself, and drops what it held
    (outbox.js: the page's panel carries it), as the server would refuse it (`phone_time`)."""
    return timedelta(days=replies_kept_days()) - timedelta(hours=1)


def phone_time(request: HttpRequest, at: datetime | None, field: str = "at") -> datetime | None:
    """A scan's time by the phone's clock, on the server's. A scan kept on the phone for longer than the server
    remembers its keys (the stored replies' period, less an hour for the request on its way) is refused: its first
    send may have arrived with its reply lost, and the server could no longer tell — it would be counted twice.
    A time ahead of the server's clock is each service's to refuse (its API takes times too)."""
    if at is None:
        return None
    at = at + phone_offset(request)
    days = replies_kept_days()
    if at < clock.now() - kept_limit():
        raise FieldError(
            field,
            _(
                "Kept on this phone for more than %(d)d days: the server can no longer tell whether it arrived before."
                " Check the records, and enter it by hand if it is missing."
            )
            % {"d": days},
            code=Code.TOO_OLD,
        )
    return at


def fingerprint(request: HttpRequest, *time_fields: str) -> bytes:
    return request_fingerprint(request, ignore=time_fields)


def once(request: HttpRequest, scope: str, run: Callable[[], tuple[int, dict]], *, time_field: str = "at"):
    """A field page's post done once per key (the form's `key`: a double tap, the outbox sending it again): the
    first reply for the same scan, which may come first online (its time left to the server) and again from the
    outbox with its time — so the time is not part of what makes two posts the same. (status, reply)"""
    key = request.POST.get("key", "")[:64]
    return idempotent(request, scope, run, key=key, fingerprint=fingerprint(request, time_field))


def conflict(reply: dict, field: str) -> FieldError:
    """A field page's 409 from core.idempotency, as the page and its outbox read it: the key came with another scan
    (refused for good), or this scan is being recorded by another request right now (`in_progress`: the outbox
    sends it again later, and is then answered with that request's reply)."""
    if reply.get("code") == "idempotency_key_reused":
        return FieldError(field, _("This scan's key came with another scan: scan again."), code=Code.DUPLICATE)
    return FieldError(field, _("This scan is being recorded already."), code=Code.IN_PROGRESS)
