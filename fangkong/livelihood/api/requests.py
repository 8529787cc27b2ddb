"""The community's supply requests and volunteers, the market regulator's price reports, and the public's price
reports (no account needed)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.registry.api import PersonRef, person_ref

from .. import selectors, services
from . import ERRORS, router


class SupplyOut(Schema):
    id: int
    person: PersonRef  # the community delivers: name and (masked) document
    kind: str
    items: str
    urgent: bool
    state: str
    created_at: datetime
    zone: str | None
    need: str  # medicine, infant, dialysis, bedridden ("" none): these go first
    delivery_id: int | None
    confirmed_with: str  # code (at the door), phone (the recipient's), officer; "" until delivered


class SupplyPage(Schema):
    items: list[SupplyOut]
    count: int


def _supply(r) -> dict:
    return {
        "id": r.pk,
        "person": person_ref(r.person),
        "kind": r.kind,
        "items": r.items,
        "urgent": r.urgent,
        "state": r.state,
        "created_at": r.created_at,
        "zone": r.zone.name if r.zone else None,
        "need": r.need,
        "delivery_id": r.delivery_id,
        "confirmed_with": r.confirmed_with,
    }


@router.get("/livelihood/supply-requests", response={200: SupplyPage, **ERRORS})
def supply_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    """Supply requests of the caller's jurisdiction, urgent first."""
    qs = selectors.supply_requests_visible(user=request.user)
    if state:
        qs = qs.filter(state=state)
    items, count = paginate(qs, page, page_size)
    return {"items": [_supply(r) for r in items], "count": count}


@router.post("/livelihood/supply-requests/{int:request_id}/transition", response={200: SupplyOut, **ERRORS})
def supply_move(request, request_id: int, payload: services.SupplyRequestMoveInput):
    return _supply(services.supply_request_move(actor=request.user, request_id=request_id, **payload.dict()))


class VolunteerOut(Schema):
    id: int
    person: PersonRef
    skills: list[str]
    availability: str
    state: str
    applied_at: datetime


def _volunteer(v) -> dict:
    return {
        "id": v.pk,
        "person": person_ref(v.person),
        "skills": v.skills,
        "availability": v.availability,
        "state": v.state,
        "applied_at": v.applied_at,
    }


@router.get("/livelihood/volunteers", response={200: list[VolunteerOut], **ERRORS})
def volunteer_list(request):
    return [_volunteer(v) for v in selectors.volunteers_visible(user=request.user)[:500]]


@router.post("/livelihood/volunteers/{int:volunteer_id}/decide", response={200: VolunteerOut, **ERRORS})
def volunteer_decide(request, volunteer_id: int, payload: services.VolunteerDecideInput):
    return _volunteer(services.volunteer_decide(actor=request.user, volunteer_id=volunteer_id, **payload.dict()))


class PriceOut(Schema):
    id: int
    shop: str
    place: str
    goods: str
    price: str
    hoarding: bool
    description: str
    anonymous: bool
    state: str
    reported_at: datetime
    outcome: str


def _price(r) -> dict:
    return {k: getattr(r, k) for k in PriceOut.model_fields if k != "id"} | {"id": r.pk}


@router.post("/public/price-reports", auth=None, response={201: PriceOut, **ERRORS})
def price_create(request, payload: services.PriceReportSubmitInput):
    """Anyone may report price gouging or hoarding (no account). Rate-limited per address."""
    from fangkong.core.throttle import public_form_hit

    public_form_hit(request, "price")
    return Status(201, _price(services.price_report_submit(**payload.dict())))


@router.get("/livelihood/price-reports", response={200: list[PriceOut], **ERRORS})
def price_list(request):
    """For the market regulator and district HQ; never the reporter's identity."""
    from fangkong.core.roles import Cap
    from fangkong.core.scoping import Forbidden, has_cap

    if not has_cap(request.user, Cap.PRICE_WATCH):
        raise Forbidden(Cap.PRICE_WATCH)
    return [_price(r) for r in selectors.price_reports_visible(user=request.user)[:500]]


@router.post("/livelihood/price-reports/{int:report_id}/decide", response={200: PriceOut, **ERRORS})
def price_decide(request, report_id: int, payload: services.PriceReportDecideInput):
    return _price(services.price_report_decide(actor=request.user, report_id=report_id, **payload.dict()))
