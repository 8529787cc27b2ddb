"""Zones: propose, approve (a second person), reject, lift; criteria."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.core.forms import NoteInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap

from .. import selectors, zones
from . import ERRORS, router


class ZoneOut(Schema):
    id: int
    name: str
    level: str
    colour: str
    state: str
    basis: str
    document_number: str
    starts_at: datetime
    planned_end: datetime | None
    requested_by: str  # "system" for a zone the platform drafted for a confirmed case (`drafted_for_case_id`)
    decided_by: str | None
    lift_requested_by: str | None = None  # an early lift awaiting a second officer
    drafted_for_case_id: int | None = None


def _zone(z) -> dict:
    return {
        "id": z.pk,
        "name": z.name,
        "level": z.level.code,
        "colour": z.level.colour,
        "state": z.state,
        "basis": z.basis,
        "document_number": z.document_number,
        "starts_at": z.starts_at,
        "planned_end": z.planned_end,
        "requested_by": z.requested_by.get_username() if z.requested_by_id else "system",
        "decided_by": z.decided_by.get_username() if z.decided_by else None,
        "lift_requested_by": z.lift_requested_by.get_username() if z.lift_requested_by_id else None,
        "drafted_for_case_id": z.drafted_for_id,
    }


@router.post("/zones", response={201: ZoneOut, **ERRORS})
def zone_create(request, payload: zones.ZoneRequestInput):
    """Propose a zone over compounds/buildings (`places`) or whole `jurisdictions`; pending until a second
    person approves it."""
    return Status(201, _zone(zones.zone_request(actor=request.user, **payload.dict())))


class ZonePage(Schema):
    items: list[ZoneOut]
    count: int


@router.get("/zones", response={200: ZonePage, **ERRORS})
def zone_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    items, count = paginate(selectors.zones_visible(user=request.user, state=state), page, page_size)
    return {"items": [_zone(z) for z in items], "count": count}


class CriterionOut(Schema):
    key: str  # quiet_days, contact_days, negative_days, others
    code: str  # the same as `key` (kept for older clients)
    label: str
    met: bool
    detail: str
    date: date | None  # the day it is met at the earliest; null where it is not a matter of days


class RoundNeededOut(Schema):
    start: date  # a whole-area round sampled from this day ...
    by: date  # ... until this one lets the zone lift on its earliest day
    planned_round_id: int | None
    planned_by: date | None


class ZoneCaseOut(Schema):
    id: int
    name: str  # masked
    confirmed_at: datetime


class ZoneDetailOut(ZoneOut):
    people: int
    earliest_lift: date | None  # null for a zone lifted or rejected
    criteria: list[CriterionOut]
    round_needed: RoundNeededOut | None
    cases: list[ZoneCaseOut]


@router.get("/zones/{int:zone_id}", response={200: ZoneDetailOut, **ERRORS})
def zone_detail(request, zone_id: int):
    """A zone with the people inside, the cases among them and, while pending or in force, each lifting criterion
    with the day it is met at the earliest, the earliest lifting date and the whole-area round it needs."""
    zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    live = zone.state in (zone.State.PENDING, zone.State.ACTIVE)
    outlook = zones.lift_outlook(zone) if live else None
    needed = outlook.round_needed if outlook else None
    return {
        **_zone(zone),
        "people": zones.people_in_zone(zone).count(),
        "earliest_lift": outlook.earliest if outlook else None,
        "criteria": [
            {"key": c.key, "code": c.code, "label": c.label, "met": c.met, "detail": c.detail, "date": c.date}
            for c in (outlook.criteria if outlook else zones.lifting_criteria(zone))
        ],
        "round_needed": {
            "start": needed.start,
            "by": needed.by,
            "planned_round_id": getattr(needed.planned, "pk", None),
            "planned_by": needed.planned_by,
        }
        if needed
        else None,
        "cases": [
            {"id": c.pk, "name": c.name, "confirmed_at": c.confirmed_at}
            for c in zones.zone_cases(user=request.user, zone=zone)
        ],
    }


@router.post("/zones/{int:zone_id}/approve", response={200: ZoneOut, **ERRORS})
def zone_approve(request, zone_id: int, payload: NoteInput | None = None):
    """The second person: the zone comes into force and everyone inside turns its colour. 403 for the proposer."""
    note = payload.note if payload else ""
    return _zone(zones.zone_approve(actor=request.user, zone_id=zone_id, note=note))


@router.post("/zones/{int:zone_id}/reject", response={200: ZoneOut, **ERRORS})
def zone_reject(request, zone_id: int, payload: NoteInput):
    return _zone(zones.zone_reject(actor=request.user, zone_id=zone_id, note=payload.note))


@router.post("/zones/{int:zone_id}/lift", response={200: ZoneOut, **ERRORS})
def zone_lift(request, zone_id: int, payload: zones.ZoneLiftInput):
    """Lift when the criteria are met. With criteria unmet, `override` and a written reason ask to lift early
    (`lift_requested_by` is set); a second officer confirms with `override` and the zone is lifted, on the record."""
    return _zone(zones.zone_lift(actor=request.user, zone_id=zone_id, note=payload.note, override=payload.override))


class LevelIO(Schema):
    code: str
    name: str  # the district's name, in Chinese
    name_en: str = ""  # for readers in English; blank: they read `name`
    colour: str
    restrictions: str = ""
    restrictions_en: str = ""
    rank: int = 1
    quiet_days: int = 14
    contact_days: int = 14
    negative_days: int = 2
    lifts_with_others: bool = False
    active: bool = True


class ZoneLevelOut(LevelIO):
    version: int
    label: str  # the name in the reader's language (Accept-Language): name_en in English where given, else name


@router.post("/zones/{int:zone_id}/lift/reject", response={200: ZoneOut, **ERRORS})
def zone_lift_reject(request, zone_id: int, payload: NoteInput):
    """A second officer declines an early lifting (with the reason): the zone stays in force."""
    return _zone(zones.zone_lift_reject(actor=request.user, zone_id=zone_id, note=payload.note))


@router.get("/zones/levels", response={200: list[ZoneLevelOut], **ERRORS})
def level_list(request):
    """The zone protocol: levels, the colour they give the people inside, their lifting criteria."""
    from ..models import ZoneLevel

    if not has_cap(request.user, Cap.ZONE_VIEW):
        raise Forbidden(Cap.ZONE_VIEW)
    return list(ZoneLevel.objects.all())


@router.put("/zones/levels/{code}", response={200: ZoneLevelOut, **ERRORS})
def level_put(request, code: str, payload: LevelIO):
    """District HQ edits (or adds) a level; audited with before and after."""
    from ..protocol import level_update

    return level_update(actor=request.user, **{**payload.dict(), "code": code})


class ZoneDraftingOut(Schema):
    drafts_for_cases: bool
    version: int


@router.get("/zones/drafting", response={200: ZoneDraftingOut, **ERRORS})
def drafting_get(request):
    """Whether a confirmed case drafts the strictest zone over their home compound (pending an officer)."""
    if not has_cap(request.user, Cap.ZONE_VIEW):
        raise Forbidden(Cap.ZONE_VIEW)
    row, _can_set = zones.zone_drafting_state(user=request.user)
    return {"drafts_for_cases": row.drafts_for_cases, "version": row.version}


@router.put("/zones/drafting", response={200: ZoneDraftingOut, **ERRORS})
def drafting_put(request, payload: zones.ZoneDraftingInput):
    """District HQ turns the automatic drafting on or off; audited."""
    row = zones.zone_drafting_set(actor=request.user, drafts_for_cases=payload.drafts_for_cases)
    return {"drafts_for_cases": row.drafts_for_cases, "version": row.version}
