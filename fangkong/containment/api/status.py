"""The status service for scanners, and a person's status for staff."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from fangkong.registry.api import PersonRef, person_ref

from .. import selectors
from ..scanning import scan_reply, status_scan
from ..status import reason_text
from ..status_list import status_list_for_scanner, status_list_key_for_scanner
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


class StatusListOut(Schema):
    issued_at: str  # ISO 8601, exactly as signed
    expires_at: str
    format: str  # h32-delta-leb128 (containment/status_list.py)
    salt: str
    count: int
    data: str
    key_id: str
    signature: str  # Ed25519, base64


class StatusListKeyOut(Schema):
    algorithm: str
    key_id: str
    public_key: str  # base64 of the 32-byte Ed25519 public key


@router.get("/status-list", response={200: StatusListOut, **ERRORS})
def status_list(request):
    """For checkpoint and venue scanners that may lose the network: the codes that are not green, as keyed
    hashes, signed, with their time (containment/status_list.py has the format). Rebuilt every few minutes."""
    device = str(getattr(request, "api_token_id", request.user.pk))
    return status_list_for_scanner(actor=request.user, device=device)


@router.get("/status-list/key", response={200: StatusListKeyOut, **ERRORS})
def status_list_key(request):
    """The public key the status list is signed with."""
    return status_list_key_for_scanner(actor=request.user)


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
