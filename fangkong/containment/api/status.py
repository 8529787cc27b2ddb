"""The status service for scanners, and a person's status for staff."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from fangkong.registry.api import PersonRef, person_ref

from .. import selectors
from ..scanning import scan_reply, status_scan
from ..status import reason_text
from . import ERRORS, router


class ReasonOut(Schema):
    kind: str
    colour: str
    text: str
    since: datetime | None = None


class ScanOut(Schema):
    colour: str
    action: str  # pass | check | stop
    action_text: str
    reason: str  # the strictest reason, short
    reasons: list[ReasonOut]
    since: datetime | None = None


def _reasons(status, render) -> list[dict]:
    return [
        {"kind": r["kind"], "colour": r["colour"], "text": render(r), "since": r.get("since")} for r in status.reasons
    ]


@router.get("/status/{code}", response={200: ScanOut, **ERRORS})
def status_for_scanner(request, code: str):
    """For checkpoint and venue scanners: the personal code (or a document number's keyed hash) → colour, the
    action to take and short reasons. Nothing identifies the person. Rate-limited per device (token)."""
    device = str(getattr(request, "api_token_id", request.user.pk))
    return scan_reply(status_scan(actor=request.user, code=code, device=device))


class PersonStatusOut(Schema):
    person: PersonRef
    colour: str
    since: datetime | None = None
    reasons: list[ReasonOut]
    valid_until: datetime | None = None


@router.get("/people/{int:person_id}/status", response={200: PersonStatusOut, **ERRORS})
def person_status(request, person_id: int):
    """A person's status with every reason in full, for staff whose jurisdiction holds them."""
    person, status = selectors.person_status(user=request.user, person_id=person_id)
    return {
        "person": person_ref(person),
        "colour": status.colour,
        "since": status.since,
        "reasons": _reasons(status, reason_text),
        "valid_until": status.valid_until,
    }
