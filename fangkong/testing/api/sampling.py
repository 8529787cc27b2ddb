"""Sampling: scans in bulk (10,000 a batch, replay-safe) and closing a tube."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from ..collection import MAX_SCANS, Scan, collections_ingest, tube_close
from . import _MISSING, ERRORS, BulkOut, _batch, _text, router

# What a scan holds, for the API's documentation only: the scans are checked one by one by the service (each
# rejection names its index), since a schema per item would cost more than the ingest itself and refuse the whole
# batch for one bad scan.
_SCAN_DOC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "person_code": {"type": "string", "description": "the personal code's QR (or give document_number)"},
        "document_number": {"type": "string"},
        "document_type": {"type": "string", "description": "empty: resident ID"},
        "tube_code": {"type": "string"},
        "site_id": {"type": "integer"},
        "collected_at": {"type": "string", "format": "date-time", "description": "ISO 8601 with its offset"},
    },
    "required": ["tube_code", "site_id", "collected_at"],
}


class CollectionsIn(Schema):
    batch_id: str
    scans: list[Any] = Field(..., json_schema_extra={"items": _SCAN_DOC, "maxItems": MAX_SCANS})


def scans_from(items: list) -> list[Scan]:
    """The service's scans from the request's items, as they come: what is malformed here (not an object, a time
    that does not parse, a site that is not a number) is left empty, and the service names it for that index.
    Written for speed (a batch is 10,000 items): the common case — strings where strings belong — costs a type
    check; anything else is turned into text or left out."""
    times: dict[str, datetime | None] = {}  # a site's batch repeats its timestamps (a queue scanned per minute)
    scans: list[Scan] = []
    append = scans.append
    for index, item in enumerate(items):
        if item.__class__ is not dict:
            append(Scan(index))
            continue
        get = item.get
        collected: Any = get("collected_at")
        at = times.get(collected, _MISSING) if collected.__class__ is str else None
        if at is _MISSING:
            try:
                at = times[collected] = datetime.fromisoformat(collected)
            except ValueError:
                at = times[collected] = None
        site = get("site_id")
        code, doc_type, number, tube = (
            get("person_code"),
            get("document_type"),
            get("document_number"),
            get("tube_code"),
        )
        append(
            Scan(
                index,
                code if code.__class__ is str else _text(code),
                doc_type if doc_type.__class__ is str else _text(doc_type),
                number if number.__class__ is str else _text(number),
                tube if tube.__class__ is str else _text(tube),
                site if site.__class__ is int else None,
                None,
                at,  # type: ignore[arg-type]
            )
        )
    return scans


@router.post("/testing/rounds/{int:round_id}/collections:bulk", response={200: BulkOut, **ERRORS})
def collections_bulk(request, round_id: int, payload: CollectionsIn):
    """Up to 10,000 scans. Valid scans are written; each rejected one is listed by index with the reason."""
    scans = scans_from(payload.scans)

    def run():
        return 200, collections_ingest(actor=request.user, round_id=round_id, scans=scans)

    return _batch(request, f"collections:{round_id}", payload.batch_id, run)


class TubeOut(Schema):
    code: str
    count: int
    pool_size: int
    closed_at: datetime | None


@router.post("/testing/tubes/{code}/close", response={200: TubeOut, **ERRORS})
def tube_close_api(request, code: str):
    """Close a tube before it is full (the end of the queue, the end of a shift)."""
    return tube_close(actor=request.user, code=code)
