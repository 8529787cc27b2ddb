"""Volunteers' shifts: a volunteer's shifts with the hours ledger, a shift assigned (no double booking:
400 `overlap`; idempotent), cancelled, checked in and out by an officer for the volunteer."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent

from .. import volunteering
from ..models import Shift
from . import ERRORS, router


class ShiftOut(Schema):
    id: int
    volunteer_id: int
    task: str
    place: str
    starts_at: datetime
    ends_at: datetime
    stage: str  # planned, on (checked in), worked (checked out), cancelled
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    cancel_note: str
    worked_minutes: int


class ShiftPage(Schema):
    items: list[ShiftOut]
    hours: float  # the ledger: shifts checked in and out
    worked: int  # how many shifts those are


def _shift(s: Shift) -> dict:
    return {
        "id": s.pk,
        "volunteer_id": s.volunteer_id,
        "task": s.task,
        "place": s.place,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "stage": s.stage,
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
        "cancel_note": s.cancel_note,
        "worked_minutes": int(s.worked.total_seconds() // 60),
    }


@router.get("/volunteers/{int:volunteer_id}/shifts", response={200: ShiftPage, **ERRORS})
def volunteer_shift_list(request, volunteer_id: int):
    volunteer = volunteering.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    ledger = volunteering.ledger_of(volunteer)
    shifts = volunteering.shifts_of(volunteer)[:500]
    return {"items": [_shift(s) for s in shifts], "hours": ledger.hours, "worked": ledger.shifts}


@router.post("/volunteers/{int:volunteer_id}/shifts", response={201: ShiftOut, **ERRORS})
def volunteer_shift_assign(request, volunteer_id: int, payload: volunteering.ShiftAssignInput):
    """A shift for an accepted volunteer: 400 `overlap` when it meets another of theirs. With `Idempotency-Key`
    a retry gets the first answer."""

    def run():
        shift = volunteering.shift_assign(actor=request.user, volunteer_id=volunteer_id, **payload.dict())
        return 201, _shift(shift)

    return Status(*idempotent(request, f"shift.assign:{volunteer_id}", run))


@router.post("/shifts/{int:shift_id}/cancel", response={200: ShiftOut, **ERRORS})
def shift_cancel(request, shift_id: int, payload: volunteering.ShiftCancelInput):
    return _shift(volunteering.shift_cancel(actor=request.user, shift_id=shift_id, **payload.dict()))


@router.post("/shifts/{int:shift_id}/check-in", response={200: ShiftOut, **ERRORS})
def shift_check_in(request, shift_id: int):
    """An officer checks the volunteer in (the volunteer checks in themselves at /me/)."""
    return _shift(volunteering.shift_check_in(actor=request.user, shift_id=shift_id))


@router.post("/shifts/{int:shift_id}/check-out", response={200: ShiftOut, **ERRORS})
def shift_check_out(request, shift_id: int, payload: volunteering.ShiftCheckOutInput):
    """`at`: when the volunteer left, for a check-out they forgot (default now)."""
    return _shift(volunteering.shift_check_out(actor=request.user, shift_id=shift_id, **payload.dict()))
