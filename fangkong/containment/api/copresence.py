"""Co-presence (时空伴随) over the API: the candidates for a case, asked with a stated purpose (audited)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from .. import copresence
from . import ERRORS, router


class CandidateOut(Schema):
    person_id: int
    person: str  # masked
    place_kind: str  # venue | checkpoint
    place_id: int
    place: str
    at: datetime
    case_at: datetime
    overlap_minutes: int
    contact: bool  # already a contact of this case


@router.get("/cases/{int:case_id}/copresence", response={200: list[CandidateOut], **ERRORS})
def case_copresence(
    request,
    case_id: int,
    purpose: str = "",
    days_before: int = copresence.DAYS_BEFORE,
    minutes: int = copresence.MINUTES,
):
    """Everyone at a venue or checkpoint within `minutes` of the case, from `days_before` days before the onset
    until confirmation: candidates to review, never contacts by themselves. Refused without a purpose."""
    _case, _window, found = copresence.copresence_candidates(
        actor=request.user, case_id=case_id, purpose=purpose, days_before=days_before, minutes=minutes
    )
    return [c.__dict__ for c in found]


class ReviewOut(Schema):
    case_id: int
    person_id: int
    decision: str
    contact_id: int | None = None


@router.post("/cases/{int:case_id}/copresence/confirm", response={201: ReviewOut, **ERRORS})
def case_copresence_confirm(request, case_id: int, payload: copresence.CopresenceConfirmInput):
    """A candidate confirmed as a close (or secondary) contact: managed by the protocol from now on."""
    contact = copresence.copresence_confirm(actor=request.user, case_id=case_id, **payload.dict())
    return 201, {"case_id": case_id, "person_id": payload.person_id, "decision": "confirmed", "contact_id": contact.pk}


@router.post("/cases/{int:case_id}/copresence/dismiss", response={201: ReviewOut, **ERRORS})
def case_copresence_dismiss(request, case_id: int, payload: copresence.CopresenceDismissInput):
    """A candidate dismissed, with the reason."""
    copresence.copresence_dismiss(actor=request.user, case_id=case_id, **payload.dict())
    return 201, {"case_id": case_id, "person_id": payload.person_id, "decision": "dismissed"}
