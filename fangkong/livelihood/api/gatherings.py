"""Gatherings registered ahead and decided by the size limits in force (201 with `state` approved, limited or
refused and the reason); the limits per zone level, kept by district HQ."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate
from fangkong.registry.api import Ref

from .. import gatherings
from ..models import Gathering, GatheringLimit
from . import ERRORS, router


class DecisionNow(Schema):
    state: str
    reason: str


class GatheringOut(Schema):
    id: int
    name: str
    kind: str
    jurisdiction: Ref
    place_id: int | None
    address: str
    starts_at: datetime
    ends_at: datetime | None
    expected_size: int
    organiser: str
    state: str  # approved, limited (approved with conditions), refused, cancelled
    reason_code: str  # zone (sealed or controlled), over (the limit), conditions, within, no_rule
    reason: str
    conditions: str
    level: str  # the zone level that decided ("" outside any zone)
    # What today's rules would decide, for a gathering still to come, when it differs (a zone declared since).
    now: DecisionNow | None


class GatheringPage(Schema):
    items: list[GatheringOut]
    count: int


class LimitOut(Schema):
    level: str
    conditions_above: int
    max_size: int
    conditions: str
    version: int


def _gathering(g: Gathering, *, recheck: bool = True) -> dict:
    now = gatherings.decision_now(g) if recheck else None
    return {
        "id": g.pk,
        "name": g.name,
        "kind": g.kind,
        "jurisdiction": {"id": g.jurisdiction_id, "name": g.jurisdiction.name},
        "place_id": g.place_id,
        "address": g.address,
        "starts_at": g.starts_at,
        "ends_at": g.ends_at,
        "expected_size": g.expected_size,
        "organiser": g.organiser,
        "state": g.state,
        "reason_code": g.reason_code,
        "reason": g.reason,
        "conditions": g.conditions,
        "level": g.level_code,
        "now": {"state": now.state, "reason": now.reason} if now is not None else None,
    }


def _limit(rule: GatheringLimit) -> dict:
    return {
        "level": rule.level_code,
        "conditions_above": rule.conditions_above,
        "max_size": rule.max_size,
        "conditions": rule.conditions,
        "version": rule.version,
    }


@router.get("/gatherings", response={200: GatheringPage, **ERRORS})
def gathering_list(request, page: int = 1, page_size: int | None = None):
    rows, total = paginate(gatherings.gatherings_visible(user=request.user), page, page_size)
    return {"items": [_gathering(g, recheck=False) for g in rows], "count": total}


@router.post("/gatherings", response={201: GatheringOut, **ERRORS})
def gathering_register(request, payload: gatherings.GatheringRegisterInput):
    """Registered and decided at once: `state` approved, limited (with `conditions`) or refused, with `reason`.
    In a sealed or controlled zone, or over the limit in force, it is refused. With `Idempotency-Key` a retry gets
    the first answer."""

    def run():
        return 201, _gathering(gatherings.gathering_register(actor=request.user, **payload.dict()), recheck=False)

    return Status(*idempotent(request, "gathering.register", run))


@router.get("/gatherings/{int:gathering_id}", response={200: GatheringOut, **ERRORS})
def gathering_detail(request, gathering_id: int):
    return _gathering(gatherings.gathering_get(user=request.user, gathering_id=gathering_id))


@router.post("/gatherings/{int:gathering_id}/cancel", response={200: GatheringOut, **ERRORS})
def gathering_cancel(request, gathering_id: int, payload: gatherings.GatheringCancelInput):
    g = gatherings.gathering_cancel(actor=request.user, gathering_id=gathering_id, **payload.dict())
    return _gathering(g, recheck=False)


@router.get("/gathering-limits", response={200: list[LimitOut], **ERRORS})
def gathering_limit_list(request):
    """The size limits per zone level ("" outside any zone): the district's rules, no one's data."""
    return [_limit(r) for r in gatherings.limits_all(user=request.user)]


@router.post("/gathering-limits", response={200: LimitOut, **ERRORS})
def gathering_limit_set(request, payload: gatherings.GatheringLimitSetInput):
    return _limit(gatherings.gathering_limit_set(actor=request.user, **payload.dict()))
