"""Logistics channel passes: the carrier applies (no account; a reference to ask how it stands), the transport
department decides and revokes, checkpoints read a plate's passes."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap

from .. import logistics
from ..models import LogisticsPass
from . import ERRORS, router


class PassStatusOut(Schema):
    reference: str
    plate: str
    state: str  # pending, approved, rejected, revoked
    valid_from: datetime
    valid_until: datetime
    note: str  # the reason of a rejection or a revocation


class PassOut(PassStatusOut):
    id: int
    vehicle: str
    company: str
    goods: str
    route: str
    driver_name: str
    applied_at: datetime


class PassPage(Schema):
    items: list[PassOut]
    count: int


class PlatePassOut(Schema):
    number: str
    company: str
    goods: str
    route: str
    valid_from: datetime
    valid_until: datetime
    valid: bool


def _status(p: LogisticsPass) -> dict:
    return {k: getattr(p, k) for k in ("reference", "plate", "state", "valid_from", "valid_until", "note")}


def _pass(p: LogisticsPass) -> dict:
    more = ("vehicle", "company", "goods", "route", "driver_name", "applied_at")
    return _status(p) | {k: getattr(p, k) for k in more} | {"id": p.pk}


@router.post("/public/logistics-passes", auth=None, response={201: PassStatusOut, **ERRORS})
def logistics_pass_apply(request, payload: logistics.LogisticsPassApplyInput):
    """A carrier applies for a pass (no account; rate-limited per address). Keep `reference` to ask how it stands."""
    from fangkong.core.throttle import public_form_hit

    public_form_hit(request, "logistics")
    return Status(201, _status(logistics.logistics_pass_apply(**payload.dict())))


@router.get("/public/logistics-passes/{reference}", auth=None, response={200: PassStatusOut, **ERRORS})
def logistics_pass_status(request, reference: str, plate: str = ""):
    """How an application stands: its reference and its plate (both)."""
    from fangkong.core.throttle import public_form_hit

    public_form_hit(request, "logistics-status")
    return _status(logistics.logistics_pass_status(reference=reference, plate=plate))


@router.get("/logistics-passes", response={200: PassPage, **ERRORS})
def logistics_pass_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    qs = logistics.passes_visible(user=request.user)
    if state:
        qs = qs.filter(state=state)
    rows, total = paginate(qs, page, page_size)
    return {"items": [_pass(p) for p in rows], "count": total}


@router.get("/logistics-passes/check", response={200: list[PlatePassOut], **ERRORS})
def logistics_pass_check(request, plate: str, at: datetime | None = None):
    """A plate's passes at a moment (now by default): for checkpoint staff and the transport department."""
    from fangkong.core import clock

    if not (has_cap(request.user, Cap.CHECKPOINT_WORK) or has_cap(request.user, Cap.LOGISTICS_APPROVE)):
        raise Forbidden(Cap.CHECKPOINT_WORK)
    return [p.__dict__ for p in logistics.passes_for_plate(plate, at or clock.now())]


@router.post("/logistics-passes/{int:pass_id}/decide", response={200: PassOut, **ERRORS})
def logistics_pass_decide(request, pass_id: int, payload: logistics.LogisticsPassDecideInput):
    return _pass(logistics.logistics_pass_decide(actor=request.user, pass_id=pass_id, **payload.dict()))


@router.post("/logistics-passes/{int:pass_id}/revoke", response={200: PassOut, **ERRORS})
def logistics_pass_revoke(request, pass_id: int, payload: logistics.LogisticsPassRevokeInput):
    return _pass(logistics.logistics_pass_revoke(actor=request.user, pass_id=pass_id, **payload.dict()))
