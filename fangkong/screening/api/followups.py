"""Closed-loop cases: the grid worker's list and actions, and the reconciliation."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from fangkong.core.api import paginate
from fangkong.core.dates import period
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import NoteInput
from fangkong.registry.api import PersonRef, Ref, person_ref

from .. import followups as followup_services
from .. import selectors
from ..followups import release_blockers
from ..models import FollowUp
from . import ERRORS, _ref, router

# ---------------------------------------------------------------- follow-ups


class FollowUpStage(Schema):
    measure: str
    until: datetime


class FollowUpOut(Schema):
    id: int
    person: PersonRef
    state: str
    kind: str
    level: str
    measure: str
    stages: list[FollowUpStage]
    reason: str
    community: Ref
    grid: Ref | None
    opened_at: datetime
    due_at: datetime
    contacted_at: datetime | None
    measure_ends_at: datetime
    test_days: list[int]
    released_at: datetime | None


class FollowUpDetail(FollowUpOut):
    tests: list[dict]
    release_blockers: list[str]


class FollowUpPage(Schema):
    items: list[FollowUpOut]
    count: int


def followup_out(f: FollowUp) -> dict:
    return {
        "id": f.pk,
        "person": person_ref(f.person),
        "state": f.state,
        "kind": f.kind,
        "level": f.level,
        "measure": f.measure_now,  # in force now; the stages say what follows
        "stages": [{"measure": s["measure"], "until": s["until"]} for s in f.stages],
        "reason": f.reason,
        "community": _ref(f.community),
        "grid": _ref(f.jurisdiction) if f.jurisdiction_id != f.community_id else None,
        "opened_at": f.opened_at,
        "due_at": f.contact_due_at,
        "contacted_at": f.contacted_at,
        "measure_ends_at": f.measure_ends_at,
        "test_days": f.test_days,
        "released_at": f.released_at,
    }


def _followup_detail(request, followup_id: int) -> dict:
    f = selectors.followup_get(user=request.user, followup_id=followup_id)
    tests = [{"day": t.day, "result": t.result, "recorded_at": t.recorded_at} for t in f.tests.all()]
    return {**followup_out(f), "tests": tests, "release_blockers": release_blockers(f)}


@router.get("/followups", response=FollowUpPage)
def followup_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    """Closed-loop cases in your jurisdiction; `state` = open, missed, contacted, released or active."""
    if state and state not in [*FollowUp.State.values, "active"]:
        raise FieldError("state", "one of open, missed, contacted, released, active", code=Code.UNKNOWN_CHOICE)
    items, count = paginate(selectors.followups_visible(user=request.user, state=state), page, page_size)
    return {"items": [followup_out(f) for f in items], "count": count}


@router.get("/followups/{int:followup_id}", response={200: FollowUpDetail, **ERRORS})
def followup_detail(request, followup_id: int):
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/contact", response={200: FollowUpDetail, **ERRORS})
def followup_contact(request, followup_id: int, payload: NoteInput):
    followup_services.followup_contact(actor=request.user, followup_id=followup_id, note=payload.note)
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/location", response={200: FollowUpDetail, **ERRORS})
def followup_location(request, followup_id: int, payload: followup_services.FollowupLocationInput):
    followup_services.followup_confirm_location(actor=request.user, followup_id=followup_id, where=payload.where)
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/tests", response={200: FollowUpDetail, **ERRORS})
def followup_test(request, followup_id: int, payload: followup_services.FollowupTestInput):
    followup_services.followup_record_test(actor=request.user, followup_id=followup_id, **payload.dict())
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/release", response={200: FollowUpDetail, **ERRORS})
def followup_release(request, followup_id: int, payload: NoteInput):
    followup_services.followup_release(actor=request.user, followup_id=followup_id, note=payload.note)
    return _followup_detail(request, followup_id)


class ReconciliationRow(Schema):
    community: Ref
    arrivals: int
    owned: int
    contacted_in_time: int
    contacted_late: int
    overdue: int
    released: int


class ReconciliationOut(Schema):
    since: datetime
    until: datetime
    rows: list[ReconciliationRow]
    missed: list[FollowUpOut]


@router.get("/reconciliation", response={200: ReconciliationOut, **ERRORS})
def reconciliation(request, since: str | None = None, until: str | None = None):
    """Per community: arrivals, cases owned, contacted in time or late, overdue, released; and the missed list."""
    start, end = period(since, until)
    rows = selectors.reconciliation(user=request.user, since=start, until=end)
    missed = selectors.followups_missed(user=request.user)[:200]
    return {
        "since": start,
        "until": end,
        "rows": [{**r, "community": _ref(r["community"])} for r in rows],
        "missed": [followup_out(f) for f in missed],
    }
