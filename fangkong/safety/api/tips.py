"""Public hazard reports: from anyone, the reporter protected."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.dates import Moment

from .. import tips
from . import ERRORS, router

# ---------------------------------------------------------------- public hazard reports


class TipReceipt(Schema):
    id: int
    anonymous: bool


@router.post("/public/hazard-reports", auth=None, response={201: TipReceipt, **ERRORS})
def tip_create(request, payload: tips.TipSubmitInput):
    """Anyone may report a hazard, anonymously or named (no account needed). Rate-limited per address."""
    from fangkong.core.throttle import public_form_hit

    public_form_hit(request, "tip")
    r = tips.tip_submit(**payload.dict())
    return Status(201, {"id": r.pk, "anonymous": r.anonymous})


class TipOut(Schema):
    id: int
    enterprise: str | None
    place: str
    description: str
    reported_at: datetime
    anonymous: bool
    state: str
    hazard_id: int | None
    reward: str | None


def _tip(r) -> dict:
    return {
        "id": r.pk,
        "enterprise": r.enterprise.name if r.enterprise else None,
        "place": r.place,
        "description": r.description,
        "reported_at": r.reported_at,
        "anonymous": r.anonymous,
        "state": r.state,
        "hazard_id": r.hazard_id,
        "reward": f"{r.reward:.2f}" if r.reward is not None else None,
    }


@router.get("/safety/public-reports", response={200: list[TipOut], **ERRORS})
def tip_list(request):
    """Reports for regulators and HQ — without who reported."""
    return [_tip(r) for r in tips.tips_visible(user=request.user)[:500]]


class VerifyIn(Schema):
    grade: str
    deadline: Moment


@router.post("/safety/public-reports/{int:report_id}/verify", response={200: TipOut, **ERRORS})
def tip_verify(request, report_id: int, payload: VerifyIn):
    return _tip(tips.tip_verify(actor=request.user, report_id=report_id, **payload.dict()))


class RewardIn(Schema):
    amount: str
    note: str = ""


@router.post("/safety/public-reports/{int:report_id}/reward", response={200: TipOut, **ERRORS})
def tip_reward(request, report_id: int, payload: RewardIn):
    return _tip(tips.tip_reward(actor=request.user, report_id=report_id, **payload.dict()))


class ReporterRevealIn(Schema):
    reason: str


class ReporterRevealOut(Schema):
    name: str
    phone: str


@router.post("/safety/public-reports/{int:report_id}/reveal", response={200: ReporterRevealOut, **ERRORS})
def tip_reveal(request, report_id: int, payload: ReporterRevealIn):
    """Who reported (a named report), for designated staff only; audited with the reason."""
    name, phone = tips.tip_reveal(actor=request.user, report_id=report_id, reason=payload.reason)
    return {"name": name, "phone": phone}
