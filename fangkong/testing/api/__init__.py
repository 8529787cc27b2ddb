"""Testing endpoints, one router; each part registers its routes on it. Bulk endpoints take a client
`batch_id`: a replayed batch changes nothing and gets the first reply."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from fangkong.core.api import ErrorOut, idempotent
from fangkong.core.errors import Code, FieldError

router = Router(tags=["testing"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ScanRejection(Schema):
    index: int
    message: str


_MISSING = object()


def _text(value) -> str:
    """A number typed where a string belongs is taken as its digits; null, false or an empty thing as nothing."""
    return str(value) if value else ""


class BulkOut(Schema):
    accepted: int
    rejected: list[ScanRejection]


_BATCH_ID = "Give a batch_id (up to 128 characters, unique per batch): a resent batch is then ignored."


def _batch(request, scope: str, batch_id: str, run):
    batch_id = (batch_id or "").strip()
    if not batch_id:
        raise FieldError("batch_id", _BATCH_ID, code=Code.REQUIRED)
    if len(batch_id) > 128:
        raise FieldError("batch_id", _BATCH_ID, code=Code.TOO_LONG)
    return Status(*idempotent(request, scope, run, replay_status=200, fingerprint=request.body, key=batch_id))


# The parts register their routes on `router` when imported (after it exists).
from . import custody, monitoring, pools, results, rounds, sampling  # noqa: E402, F401
