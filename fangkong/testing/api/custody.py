"""The chain of custody: bags sealed, handed over and received by the lab."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from .. import custody
from . import ERRORS, router


class BagOut(Schema):
    seal_code: str
    tubes: int
    sealed_at: datetime
    handed_over_at: datetime | None
    received_at: datetime | None


def _bag(bag) -> dict:
    return {
        "seal_code": bag.seal_code,
        "tubes": bag.tubes.count(),
        "sealed_at": bag.sealed_at,
        "handed_over_at": bag.handed_over_at,
        "received_at": bag.received_at,
    }


@router.post("/testing/bags", response={201: BagOut, **ERRORS})
def bag_seal(request, payload: custody.BagSealInput):
    """Seal closed tubes into a bag. Nothing is sealed if any tube is unknown, open or already bagged."""
    return Status(201, _bag(custody.bag_seal(actor=request.user, **payload.dict())))


@router.post("/testing/bags/{seal_code}/handover", response={200: BagOut, **ERRORS})
def bag_handover(request, seal_code: str):
    return _bag(custody.bag_handover(actor=request.user, seal_code=seal_code))


@router.post("/testing/bags/{seal_code}/receive", response={200: BagOut, **ERRORS})
def bag_receive(request, seal_code: str, payload: custody.BagReceiveInput | None = None):
    """The lab receives a bag; give the tube codes found inside to reconcile them with the seal."""
    found = payload.dict() if payload else {}
    return _bag(custody.bag_receive(actor=request.user, seal_code=seal_code, **found))
