"""Screening endpoints. Thin: parse, call a service or selector, shape; errors name the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core import clock
from fangkong.core.api import ErrorOut, idempotent, paginate
from fangkong.core.dates import Day, Moment, period
from fangkong.core.errors import FieldError
from fangkong.core.tables import read_table_upload
from fangkong.registry.api import PersonRef, Ref, person_ref

from . import checkpoints as checkpoint_services
from . import followups as followup_services
from . import protocol, riskareas, selectors, travel
from .followups import release_blockers
from .models import FollowUp, Passage, ScreeningSettings, TravelReport, Violation
from .models import RiskProtocol as ScreeningProtocol
from .passages import PassageInput, passage_register, passage_reply, traveller_ref

router = Router(tags=["screening"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


# ---------------------------------------------------------------- risk areas


class RiskAreaIn(Schema):
    name: str
    level: str
    valid_from: str | None = None
    valid_to: str | None = None
    code: str = ""
    notice: str = ""


class RiskAreaOut(Schema):
    id: int
    name: str
    code: str
    level: str
    valid_from: datetime
    valid_to: datetime | None
    notice: str


class RiskAreaPage(Schema):
    items: list[RiskAreaOut]
    count: int


@router.get("/risk-areas", response=RiskAreaPage)
def risk_area_list(request, active: bool = False, level: str = "", page: int = 1, page_size: int | None = None):
    """Risk areas; `active=true` keeps those in force now."""
    qs = selectors.risk_areas(user=request.user, active_at=clock.now() if active else None, level=level)
    items, count = paginate(qs, page, page_size)
    return {"items": items, "count": count}


@router.post("/risk-areas", response={201: RiskAreaOut, **ERRORS})
def risk_area_create(request, payload: RiskAreaIn):
    """HQ: declare a region high, medium or low risk from `valid_from` (default now) to `valid_to` (open)."""
    data = riskareas.risk_area_clean(**payload.dict())
    return Status(201, riskareas.risk_area_create(actor=request.user, data=data))


@router.put("/risk-areas/{int:area_id}", response={200: RiskAreaOut, **ERRORS})
def risk_area_update(request, area_id: int, payload: RiskAreaIn):
    data = riskareas.risk_area_clean(**payload.dict())
    return riskareas.risk_area_update(actor=request.user, area_id=area_id, data=data)


@router.post("/risk-areas/{int:area_id}/end", response={200: RiskAreaOut, **ERRORS})
def risk_area_end(request, area_id: int):
    """Lift the area now."""
    return riskareas.risk_area_end(actor=request.user, area_id=area_id)


class RiskAreaImportOut(Schema):
    created: int
    rejected: list[dict]


@router.post("/risk-areas/import", response={200: RiskAreaImportOut, **ERRORS})
def risk_area_import(request, file: File[UploadedFile]):
    """An .xlsx with columns 地区/name, 区划代码/code, 风险等级/level, 开始时间/valid_from, 结束时间/valid_to,
    通告/notice. All rows or none."""
    return riskareas.risk_areas_import(actor=request.user, content=read_table_upload(file), filename=file.name or "")


# ---------------------------------------------------------------- protocol and time limits


class ProtocolLevel(Schema):
    level: str
    instruction: str
    measure: str
    days: int
    test_days: list[int]
    version: int


class SettingsOut(Schema):
    contact_limit_minutes: int
    fever_threshold: float
    passage_retention_days: int
    travel_lookback_days: int


class ProtocolOut(Schema):
    levels: list[ProtocolLevel]
    settings: SettingsOut


class ProtocolLevelIn(Schema):
    instruction: str
    measure: str
    days: int
    test_days: list[int]


class SettingsIn(Schema):
    contact_limit_minutes: int | None = None
    fever_threshold: float | None = None
    passage_retention_days: int | None = None
    travel_lookback_days: int | None = None


def _protocol_out() -> dict:
    rows = ScreeningProtocol.current()
    order = ["high", "medium", "low"]
    return {
        "levels": [rows[level] for level in order],
        "settings": ScreeningSettings.current(),
    }


@router.get("/screening/protocol", response=ProtocolOut)
def protocol_get(request):
    """What each risk level means (checkpoint instruction, measure, days, test days) and the time limits."""
    return _protocol_out()


@router.put("/screening/protocol/{level}", response={200: ProtocolOut, **ERRORS})
def protocol_put(request, level: str, payload: ProtocolLevelIn):
    """HQ: change what a level means. Audited with before and after; the level's version goes up."""
    protocol.protocol_update(actor=request.user, level=level, **payload.dict())
    return _protocol_out()


@router.put("/screening/settings", response={200: ProtocolOut, **ERRORS})
def settings_put(request, payload: SettingsIn):
    """HQ: contact limit for new arrivals, fever threshold, how long passages are kept, travel history window."""
    protocol.settings_update(actor=request.user, **{k: v for k, v in payload.dict().items() if v is not None})
    return _protocol_out()


# ---------------------------------------------------------------- checkpoints and passages


class CheckpointOut(Schema):
    id: int
    name: str
    location: str
    responsible_unit: Ref


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    count: int


@router.get("/checkpoints", response=CheckpointPage)
def checkpoint_list(request):
    """The checkpoints you may work at."""
    items = [
        {"id": c.pk, "name": c.name, "location": c.location, "responsible_unit": _ref(c.responsible_unit)}
        for c in selectors.checkpoints_workable(user=request.user)
    ]
    return {"items": items, "count": len(items)}


class ShiftIn(Schema):
    starts_at: Moment
    ends_at: Moment
    leader: str = ""
    staff: list[str] = []


class CheckpointShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    leader: str
    staff: list[str]


def _shift(shift) -> dict:
    return {
        "id": shift.pk,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "leader": shift.leader.get_username() if shift.leader else "",
        "staff": sorted(u.get_username() for u in shift.staff.all()),
    }


@router.get("/checkpoints/{int:checkpoint_id}/shifts", response={200: list[CheckpointShiftOut], **ERRORS})
def shift_list(request, checkpoint_id: int, days: int = 7):
    """Shifts from now on (and the current one) for `days` days, for those who manage the checkpoint."""
    checkpoint = checkpoint_services.checkpoint_managed(actor=request.user, checkpoint_id=checkpoint_id)
    return [_shift(s) for s in checkpoint_services.shifts_ahead(checkpoint, days=days)]


@router.post("/checkpoints/{int:checkpoint_id}/shifts", response={201: CheckpointShiftOut, **ERRORS})
def shift_create(request, checkpoint_id: int, payload: ShiftIn):
    """Put staff of this checkpoint on duty, with a leader, for a period."""
    shift = checkpoint_services.shift_create(actor=request.user, checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, _shift(shift))


class PassageIn(Schema):
    direction: str
    document_type: str = ""
    document_number: str
    name: str = ""
    phone: str = ""
    plate: str = ""
    origin: str = ""
    visited: list[str] = []
    destination_community: int | None = None
    destination_address: str = ""
    temperature: float | None = None
    status_code: str = ""
    negative_test_48h: bool = False
    occurred_at: Moment | None = None


class TravellerRef(Schema):
    id: int | None = None  # only where the caller's jurisdiction holds the passage
    name: str  # the register's there; elsewhere the name as typed at the checkpoint, masked (李*)
    document_number: str


class PassageReply(Schema):
    id: int
    instruction: str
    instruction_text: str
    rule: str
    rule_code: str
    followed_up_by: str | None  # the destination community that follows a risk arrival up
    followup_id: int | None  # a risk arrival's case (new, or the one still open)
    violation_id: int | None  # an unreported exit's: only where the caller's jurisdiction holds it
    person: TravellerRef


@router.post("/checkpoints/{int:checkpoint_id}/passages", response={201: PassageReply, 200: PassageReply, **ERRORS})
def passage_create(request, checkpoint_id: int, payload: PassageIn):
    """Register a passage. `Idempotency-Key` is required: a retry with the same key and body replays the first
    answer with 200; the same key with another body is 409. The answer says what to do and which rule decided."""

    def run():
        result = passage_register(actor=request.user, checkpoint_id=checkpoint_id, data=PassageInput(**payload.dict()))
        return 201, passage_reply(request.user, result)

    return Status(
        *idempotent(
            request, f"passages:{checkpoint_id}", run, replay_status=200, fingerprint=request.body, required=True
        )
    )


class PassageOut(Schema):
    id: int
    at: datetime
    direction: str
    checkpoint: Ref
    person: TravellerRef
    origin: str
    visited: list[str]
    destination_community: Ref | None
    plate: str
    temperature: float | None
    instruction: str
    rule: str


class PassagePage(Schema):
    items: list[PassageOut]
    count: int


def passage_out(p: Passage, traveller: Callable[[Passage], dict]) -> dict:
    return {
        "id": p.pk,
        "at": p.at,
        "direction": p.direction,
        "checkpoint": _ref(p.checkpoint),
        "person": traveller(p),
        "origin": p.origin,
        "visited": p.visited,
        "destination_community": _ref(p.destination_community),
        "plate": p.plate,
        "temperature": p.temperature,
        "instruction": p.instruction,
        "rule": p.rule_text,
    }


@router.get("/passages", response=PassagePage)
def passage_list(
    request,
    checkpoint: int | None = None,
    direction: str = "",
    since: Moment | None = None,
    until: Moment | None = None,
    page: int = 1,
    page_size: int | None = None,
):
    qs = selectors.passages_visible(user=request.user).select_related("risk_area")
    if checkpoint:
        qs = qs.filter(checkpoint_id=checkpoint)
    if direction:
        qs = qs.filter(direction=direction)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    items, count = paginate(qs, page, page_size)
    traveller = traveller_ref(request.user)
    return {"items": [passage_out(p, traveller) for p in items], "count": count}


class PassRequestIn(Schema):
    requester_name: str
    requester_unit_name: str
    requester_post: str = ""
    plate: str = ""
    outcome: str
    note: str = ""


class PassRequestOut(Schema):
    id: int
    at: datetime
    checkpoint: Ref
    requester_name: str
    requester_unit_name: str
    requester_post: str
    plate: str
    outcome: str
    note: str


@router.post("/checkpoints/{int:checkpoint_id}/pass-requests", response={201: PassRequestOut, **ERRORS})
def pass_request_create(request, checkpoint_id: int, payload: PassRequestIn):
    """Record that someone asked to be let through unregistered (and what the staff did)."""
    record = checkpoint_services.pass_request_record(actor=request.user, checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, _pass_request(record))


def _pass_request(r) -> dict:
    return {
        "id": r.pk,
        "at": r.at,
        "checkpoint": _ref(r.checkpoint),
        "requester_name": r.requester_name,
        "requester_unit_name": r.requester_unit_name,
        "requester_post": r.requester_post,
        "plate": r.plate,
        "outcome": r.outcome,
        "note": r.note,
    }


class PassRequestPage(Schema):
    items: list[PassRequestOut]
    count: int
    by_unit: list[dict]


@router.get("/pass-requests", response=PassRequestPage)
def pass_request_list(request, page: int = 1, page_size: int | None = None):
    """For discipline inspection: every request to pass unregistered, with counts per requesting unit."""
    qs = selectors.pass_requests_visible(user=request.user)
    items, count = paginate(qs, page, page_size)
    return {"items": [_pass_request(r) for r in items], "count": count, "by_unit": selectors.pass_request_counts(qs)}


# ---------------------------------------------------------------- follow-ups


class FollowUpOut(Schema):
    id: int
    person: PersonRef
    state: str
    level: str
    measure: str
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
        "level": f.level,
        "measure": f.measure,
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
        raise FieldError("state", "one of open, missed, contacted, released, active")
    items, count = paginate(selectors.followups_visible(user=request.user, state=state), page, page_size)
    return {"items": [followup_out(f) for f in items], "count": count}


@router.get("/followups/{int:followup_id}", response={200: FollowUpDetail, **ERRORS})
def followup_detail(request, followup_id: int):
    return _followup_detail(request, followup_id)


class NoteIn(Schema):
    note: str = ""


class WhereIn(Schema):
    where: str


class TestIn(Schema):
    day: int
    result: str


@router.post("/followups/{int:followup_id}/contact", response={200: FollowUpDetail, **ERRORS})
def followup_contact(request, followup_id: int, payload: NoteIn):
    followup_services.followup_contact(actor=request.user, followup_id=followup_id, note=payload.note)
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/location", response={200: FollowUpDetail, **ERRORS})
def followup_location(request, followup_id: int, payload: WhereIn):
    followup_services.followup_confirm_location(actor=request.user, followup_id=followup_id, where=payload.where)
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/tests", response={200: FollowUpDetail, **ERRORS})
def followup_test(request, followup_id: int, payload: TestIn):
    followup_services.followup_record_test(
        actor=request.user, followup_id=followup_id, day=payload.day, result=payload.result
    )
    return _followup_detail(request, followup_id)


@router.post("/followups/{int:followup_id}/release", response={200: FollowUpDetail, **ERRORS})
def followup_release(request, followup_id: int, payload: NoteIn):
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


# ---------------------------------------------------------------- travel reports and violations


class TravelIn(Schema):
    person: int | None = None
    document_type: str = ""
    document_number: str = ""
    destination: str
    depart_on: Day
    return_on: Day
    reason: str
    transport: str


class TravelOut(Schema):
    id: int
    person: PersonRef
    destination: str
    depart_on: date
    return_on: date
    reason: str
    transport: str
    approval: str
    community_acknowledged: bool
    employer_acknowledged: bool
    cancelled: bool


class TravelPage(Schema):
    items: list[TravelOut]
    count: int


def travel_out(r: TravelReport) -> dict:
    return {
        "id": r.pk,
        "person": person_ref(r.person),
        "destination": r.destination,
        "depart_on": r.depart_on,
        "return_on": r.return_on,
        "reason": r.reason,
        "transport": r.transport,
        "approval": r.approval,
        "community_acknowledged": r.community_ack_at is not None,
        "employer_acknowledged": r.employer_ack_at is not None,
        "cancelled": r.cancelled_at is not None,
    }


@router.get("/travel-reports", response=TravelPage)
def travel_list(request, approval: str = "", page: int = 1, page_size: int | None = None):
    qs = selectors.travel_reports_visible(user=request.user)
    if approval:
        qs = qs.filter(approval=approval)
    items, count = paginate(qs, page, page_size)
    return {"items": [travel_out(r) for r in items], "count": count}


@router.post("/travel-reports", response={201: TravelOut, **ERRORS})
def travel_create(request, payload: TravelIn):
    """File a trip for a person you answer for: by `person` id (community) or document number (employer HR)."""
    if payload.person is None and not payload.document_number:
        raise FieldError("document_number", "Give the person's id or document number.")
    person = travel.person_for_report(
        actor=request.user,
        person_id=payload.person,
        document_type=payload.document_type,
        document_number=payload.document_number,
    )
    report = travel.travel_report_file(
        actor=request.user,
        person=person,
        destination=payload.destination,
        depart_on=payload.depart_on,
        return_on=payload.return_on,
        reason=payload.reason,
        transport=payload.transport,
    )
    return Status(201, travel_out(report))


@router.post("/travel-reports/{int:report_id}/acknowledge", response={200: TravelOut, **ERRORS})
def travel_acknowledge(request, report_id: int):
    return travel_out(travel.travel_report_acknowledge(actor=request.user, report_id=report_id))


class TripDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/travel-reports/{int:report_id}/decide", response={200: TravelOut, **ERRORS})
def travel_decide(request, report_id: int, payload: TripDecisionIn):
    """A public official's trip: approved or rejected (with a reason) by a leader of their unit."""
    return travel_out(
        travel.travel_report_decide(actor=request.user, report_id=report_id, approve=payload.approve, note=payload.note)
    )


@router.post("/travel-reports/{int:report_id}/cancel", response={200: TravelOut, **ERRORS})
def travel_cancel(request, report_id: int):
    return travel_out(travel.travel_report_cancel(actor=request.user, report_id=report_id))


class ViolationOut(Schema):
    id: int
    person: PersonRef
    at: datetime
    checkpoint: Ref
    community: Ref | None
    unit: Ref | None
    explanation: str
    outcome: str


class ViolationPage(Schema):
    items: list[ViolationOut]
    count: int
    by_unit: list[dict]
    by_community: list[dict]


def violation_out(v: Violation) -> dict:
    return {
        "id": v.pk,
        "person": person_ref(v.person),
        "at": v.at,
        "checkpoint": _ref(v.checkpoint),
        "community": _ref(v.community),
        "unit": _ref(v.unit),
        "explanation": v.explanation,
        "outcome": v.outcome,
    }


@router.get("/violations", response=ViolationPage)
def violation_list(request, outcome: str = "", page: int = 1, page_size: int | None = None):
    """Unreported exits, with counts per unit and per community."""
    qs = selectors.violations_visible(user=request.user)
    if outcome:
        qs = qs.filter(outcome=outcome)
    items, count = paginate(qs, page, page_size)
    by_unit, by_community = selectors.violation_counts(qs)
    return {
        "items": [violation_out(v) for v in items],
        "count": count,
        "by_unit": by_unit,
        "by_community": by_community,
    }


class ExplainIn(Schema):
    explanation: str


class ViolationOutcomeIn(Schema):
    outcome: str


@router.post("/violations/{int:violation_id}/explain", response={200: ViolationOut, **ERRORS})
def violation_explain(request, violation_id: int, payload: ExplainIn):
    return violation_out(
        travel.violation_explain(actor=request.user, violation_id=violation_id, explanation=payload.explanation)
    )


@router.post("/violations/{int:violation_id}/handle", response={200: ViolationOut, **ERRORS})
def violation_handle(request, violation_id: int, payload: ViolationOutcomeIn):
    return violation_out(
        travel.violation_handle(actor=request.user, violation_id=violation_id, outcome=payload.outcome)
    )
