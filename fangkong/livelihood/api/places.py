"""Key places: registered, inspected against the checklist, their findings put right, closed or limited by order."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import paginate

from .. import places
from ..models import KeyPlace, PlaceCheckItem, PlaceInspection, PlaceRectification
from . import ERRORS, router


class PlaceCheckItemOut(Schema):
    code: str
    item: str
    days_to_fix: int


class KeyPlaceOut(Schema):
    id: int
    venue_id: int
    name: str
    kind: str
    operator: str
    supervisor: str | None
    state: str  # open, limited, closed
    capacity: int | None
    order_note: str
    failed_recently: int  # failed inspections in the last 30 days
    repeated: bool  # failing again and again: the supervising department's to look at
    open_fixes: int
    overdue: int


class KeyPlacePage(Schema):
    items: list[KeyPlaceOut]
    count: int


class PlaceInspectionOut(Schema):
    id: int
    place_id: int
    at: datetime
    results: dict[str, str]
    failed: int
    rectifications: list[int]


class PlaceRectificationOut(Schema):
    id: int
    place_id: int
    item: str
    deadline: datetime
    done_at: datetime | None


def _place(row: places.PlaceRow) -> dict:
    p: KeyPlace = row.place
    return {
        "id": p.pk,
        "venue_id": p.venue_id,
        "name": p.venue.name,
        "kind": p.kind,
        "operator": p.operator,
        "supervisor": p.supervisor.name if p.supervisor else None,
        "state": p.state,
        "capacity": p.capacity,
        "order_note": p.order_note,
        "failed_recently": row.failed_recently,
        "repeated": row.repeated,
        "open_fixes": row.open_fixes,
        "overdue": row.overdue,
    }


def _item(i: PlaceCheckItem) -> dict:
    return {"code": i.code, "item": i.label, "days_to_fix": i.days_to_fix}


def _inspection(i: PlaceInspection) -> dict:
    return {
        "id": i.pk,
        "place_id": i.place_id,
        "at": i.at,
        "results": i.results,
        "failed": i.failed,
        "rectifications": list(i.rectifications.values_list("pk", flat=True)),
    }


def _fix(f: PlaceRectification) -> dict:
    return {"id": f.pk, "place_id": f.place_id, "item": f.item, "deadline": f.deadline, "done_at": f.done_at}


@router.get("/place-check-items", response={200: list[PlaceCheckItemOut], **ERRORS})
def place_check_item_list(request):
    """The district's checklist for key places (no one's data)."""
    return [_item(i) for i in places.checklist()]


@router.post("/place-check-items", response={200: PlaceCheckItemOut, **ERRORS})
def place_check_item_set(request, payload: places.PlaceCheckItemSetInput):
    """Add or change a line of the checklist (district HQ); `active: false` stops asking it."""
    return _item(places.place_check_item_set(actor=request.user, **payload.dict()))


@router.get("/key-places", response={200: KeyPlacePage, **ERRORS})
def key_place_list(request, page: int = 1, page_size: int | None = None):
    rows, total = paginate(places.places_visible(user=request.user).order_by("jpath", "pk"), page, page_size)
    return {"items": [_place(r) for r in places.place_rows(list(rows))], "count": total}


@router.post("/key-places", response={201: KeyPlaceOut, **ERRORS})
def key_place_register(request, payload: places.KeyPlaceRegisterInput):
    place = places.place_register(actor=request.user, **payload.dict())
    return Status(201, _place(places.place_rows([place])[0]))


@router.get("/key-places/{int:place_id}", response={200: KeyPlaceOut, **ERRORS})
def key_place_detail(request, place_id: int):
    return _place(places.place_rows([places.place_get(user=request.user, place_id=place_id)])[0])


@router.post("/key-places/{int:place_id}/inspections", response={201: PlaceInspectionOut, **ERRORS})
def key_place_inspect(request, place_id: int, payload: places.PlaceInspectInput):
    """Every item of the checklist `pass` or `fail`, each failure with a note; failures become rectifications."""
    return Status(201, _inspection(places.place_inspect(actor=request.user, place_id=place_id, **payload.dict())))


@router.post("/key-places/{int:place_id}/order", response={200: KeyPlaceOut, **ERRORS})
def key_place_order(request, place_id: int, payload: places.PlaceOrderInput):
    """Closed, limited to `capacity`, or open again, with the reason: the supervising department or HQ."""
    place = places.place_order(actor=request.user, place_id=place_id, **payload.dict())
    return _place(places.place_rows([place])[0])


@router.post("/place-rectifications/{int:rectification_id}/close", response={200: PlaceRectificationOut, **ERRORS})
def place_rectification_close(request, rectification_id: int, payload: places.RectificationCloseInput):
    fix = places.rectification_close(actor=request.user, rectification_id=rectification_id, **payload.dict())
    return _fix(fix)
