"""24-hour duty: rosters, the board, check-in and out, the log."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status

from fangkong.core.dates import Day

from .. import duty
from . import ERRORS, router

# ---------------------------------------------------------------- duty


class DutyShiftOut(Schema):
    id: int
    post: str
    starts_at: datetime
    ends_at: datetime
    leader: str | None
    officers: list[str]
    no_leader: bool
    nobody_in: bool


@router.post("/duty/rosters", response={201: list[int], **ERRORS})
def roster_create(request, payload: duty.RosterCreateInput):
    """Daily 24-hour shifts for a duty room over a period; a holiday `template` (GET /duty/holidays) gives the
    length, the name and, for a fixed date, the first day."""
    return Status(201, [s.pk for s in duty.roster_generate(actor=request.user, **payload.dict())])


@router.get("/duty/board", response={200: list[DutyShiftOut], **ERRORS})
def duty_board(request, day: Day | None = None):
    """The day's shifts within reach, flagged: no leader on duty; started and nobody checked in."""
    return [
        {
            "id": v.shift.pk,
            "post": v.shift.post.name,
            "starts_at": v.shift.starts_at,
            "ends_at": v.shift.ends_at,
            "leader": v.leader.user.get_username() if v.leader else None,
            "officers": [a.user.get_username() for a in v.officers],
            "no_leader": v.no_leader,
            "nobody_in": v.nobody_in,
        }
        for v in duty.board(user=request.user, day=day)
    ]


@router.post("/duty/shifts/{int:shift_id}/assign", response={201: dict, **ERRORS})
def duty_assign(request, shift_id: int, payload: duty.DutyAssignInput):
    a = duty.duty_assign(actor=request.user, shift_id=shift_id, **payload.dict())
    return Status(201, {"id": a.pk, "role": a.role})


@router.delete("/duty/shifts/{int:shift_id}/assignments/{int:assignment_id}", response={204: None, **ERRORS})
def duty_unassign(request, shift_id: int, assignment_id: int):
    """Take someone off a shift before they checked in."""
    duty.duty_unassign(actor=request.user, shift_id=shift_id, assignment_id=assignment_id)
    return Status(204, None)


class HolidayOut(Schema):
    key: str
    label: str
    days: int
    first: date | None  # the next first day, when the date is fixed


@router.get("/duty/holidays", response={200: list[HolidayOut], **ERRORS})
def duty_holidays(request):
    """The roster templates."""
    return duty.holidays_ahead()


@router.post("/duty/shifts/{int:shift_id}/check-in", response={200: dict, **ERRORS})
def duty_check_in(request, shift_id: int):
    a = duty.duty_check_in(actor=request.user, shift_id=shift_id)
    return {"checked_in_at": a.checked_in_at.isoformat() if a.checked_in_at else None}


@router.post("/duty/shifts/{int:shift_id}/check-out", response={200: dict, **ERRORS})
def duty_check_out(request, shift_id: int):
    a = duty.duty_check_out(actor=request.user, shift_id=shift_id)
    return {"checked_out_at": a.checked_out_at.isoformat() if a.checked_out_at else None}


@router.post("/duty/shifts/{int:shift_id}/log", response={201: dict, **ERRORS})
def duty_log(request, shift_id: int, payload: duty.DutyLogInput):
    e = duty.duty_log(actor=request.user, shift_id=shift_id, **payload.dict())
    return Status(201, {"id": e.pk})


@router.post("/duty/log/{int:entry_id}/promote", response={200: dict, **ERRORS})
def duty_promote(request, entry_id: int):
    e = duty.duty_log_promote(actor=request.user, entry_id=entry_id)
    return {"id": e.pk, "significant": e.significant}
