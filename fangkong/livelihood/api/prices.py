"""Price monitoring: the goods watched and the markets, prices recorded by inspectors (idempotent: a retried
request never records a price twice), the cases they open, the public's reports joined to cases, a price chart's
data. Prices are JSON numbers in yuan; a price may also be sent as text ("3.50")."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent, paginate
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden
from fangkong.registry.api import Ref

from .. import price_watch as pw
from ..models import Market, PriceCase, PriceItem, PriceObservation, PriceReport
from . import ERRORS, router


def _yuan(value) -> float | None:
    return float(value) if value is not None else None


# ---------------------------------------------------------------- goods watched


class PriceItemOut(Schema):
    id: int
    name: str
    unit: str
    baseline: float  # yuan
    margin_percent: float
    ceiling: float  # the highest price within the margin, in fen rounded down: a price above it opens a case
    active: bool


def _item(i: PriceItem) -> dict:
    return {
        "id": i.pk,
        "name": i.name,
        "unit": i.unit,
        "baseline": float(i.baseline),
        "margin_percent": float(i.margin_percent),
        "ceiling": float(pw.ceiling_of(i)),
        "active": i.active,
    }


@router.get("/price-items", response={200: list[PriceItemOut], **ERRORS})
def price_item_list(request, all: bool = False):
    """The goods watched, by name: those in use (`all=true`: those no longer watched too). For whoever watches
    prices (the market regulator, district HQ)."""
    if not pw.can_watch(request.user):
        raise Forbidden(Cap.PRICE_WATCH)
    return [_item(i) for i in pw.price_items_visible(user=request.user, active_only=not all)[:1000]]


@router.post("/price-items", response={201: PriceItemOut, **ERRORS})
def price_item_create(request, payload: pw.PriceItemCreateInput):
    """District-wide only: goods to watch, with their unit, baseline and margin (per cent; 20 unless given)."""
    return Status(201, _item(pw.price_item_create(actor=request.user, **payload.dict())))


@router.put("/price-items/{int:item_id}", response={200: PriceItemOut, **ERRORS})
def price_item_update(request, item_id: int, payload: pw.PriceItemUpdateInput):
    """District-wide only; audited with before and after. A new baseline or margin holds from now on."""
    return _item(pw.price_item_update(actor=request.user, item_id=item_id, **payload.dict()))


# ---------------------------------------------------------------- markets


class MarketOut(Schema):
    id: int
    name: str
    kind: str  # market | supermarket | shop | pharmacy
    jurisdiction: Ref
    address: str
    active: bool


class MarketPage(Schema):
    items: list[MarketOut]
    count: int


def _market(m: Market) -> dict:
    return {
        "id": m.pk,
        "name": m.name,
        "kind": m.kind,
        "jurisdiction": {"id": m.jurisdiction_id, "name": m.jurisdiction.name},
        "address": m.address,
        "active": m.active,
    }


@router.get("/markets", response={200: MarketPage, **ERRORS})
def market_list(request, all: bool = False, page: int = 1, page_size: int | None = None):
    """The markets in the caller's reach, by place and name: those watched (`all=true`: closed ones too)."""
    if not pw.can_watch(request.user):
        raise Forbidden(Cap.PRICE_WATCH)
    rows, count = paginate(pw.markets_visible(user=request.user, active_only=not all), page, page_size)
    return {"items": [_market(m) for m in rows], "count": count}


@router.post("/markets", response={201: MarketOut, **ERRORS})
def market_create(request, payload: pw.MarketCreateInput):
    """District-wide only: a market to watch, in a street or community (`jurisdiction_id`)."""
    return Status(201, _market(pw.market_create(actor=request.user, **payload.dict())))


@router.put("/markets/{int:market_id}", response={200: MarketOut, **ERRORS})
def market_update(request, market_id: int, payload: pw.MarketUpdateInput):
    """District-wide only; audited with before and after. `active: false`: no longer offered to record."""
    return _market(pw.market_update(actor=request.user, market_id=market_id, **payload.dict()))


# ---------------------------------------------------------------- prices seen


class PriceObservationOut(Schema):
    id: int
    case_id: int | None  # the case it opened or joined: set when the price is above the margin
    market_id: int
    item_id: int
    price: float
    above: bool
    observed_at: datetime


def _observation(o: PriceObservation) -> dict:
    return {
        "id": o.pk,
        "case_id": o.case_id,
        "market_id": o.market_id,
        "item_id": o.item_id,
        "price": float(o.price),
        "above": o.case_id is not None,
        "observed_at": o.observed_at,
    }


@router.post("/price-observations", response={201: PriceObservationOut, **ERRORS})
def price_observation_create(request, payload: pw.PriceObservationRecordInput):
    """Record a price seen at a market. Above the item's baseline by more than its margin it opens the market's
    case for the item, or joins the open one: `case_id` says which (null: within the margin). Refused (400, naming
    the field): a price of 0 or below (`out_of_range`), 1,000 times the baseline or more (`absurd_price`), not a
    number (`invalid`); a market or goods unknown or no longer watched (`not_found`). Send `Idempotency-Key` to
    make retries safe."""

    def run():
        o = pw.price_observation_record(actor=request.user, **payload.dict())
        return 201, _observation(o)

    return Status(*idempotent(request, "livelihood.price_observation", run))


class PriceChartDayOut(Schema):
    day: date
    low: float | None
    high: float | None
    count: int
    above: bool


class PriceChartOut(Schema):
    market: Ref
    item: PriceItemOut
    days: list[PriceChartDayOut]
    observations: list[PriceObservationOut]


@router.get("/price-observations", response={200: PriceChartOut, **ERRORS})
def price_observation_list(request, market_id: int, item_id: int, days: int = pw.CHART_DAYS):
    """An item's prices at a market over the last `days` days (1–366, default 30, today included): each day's
    lowest and highest, and the prices themselves, newest first — a price chart's data."""
    chart = pw.price_chart(user=request.user, market_id=market_id, item_id=item_id, days=days)
    return {
        "market": {"id": chart.market.pk, "name": chart.market.name},
        "item": _item(chart.item),
        "days": [
            {"day": d.day, "low": _yuan(d.low), "high": _yuan(d.high), "count": d.n, "above": d.above}
            for d in chart.days
        ],
        "observations": [_observation(o) for o in chart.observations[:500]],
    }


# ---------------------------------------------------------------- cases


class PriceCaseOut(Schema):
    id: int
    state: str  # open | confirmed | dismissed
    market: Ref | None
    item: Ref | None
    hoarding: bool
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    observations: int
    reports: int
    highest: float | None  # the highest price seen in evidence


class PriceCasePage(Schema):
    items: list[PriceCaseOut]
    count: int


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _case(c: PriceCase, *, n_observations: int | None = None, n_reports: int | None = None) -> dict:
    return {
        "id": c.pk,
        "state": c.state,
        "market": _ref(c.market),
        "item": _ref(c.item),
        "hoarding": c.hoarding,
        "opened_at": c.opened_at,
        "closed_at": c.closed_at,
        "outcome": c.outcome,
        "observations": getattr(c, "n_observations", n_observations or 0),
        "reports": getattr(c, "n_reports", n_reports or 0),
        "highest": _yuan(getattr(c, "highest", None)),
    }


@router.get("/price-cases", response={200: PriceCasePage, **ERRORS})
def price_case_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    """The cases at the markets in the caller's reach, open first, newest first (`state`: open, confirmed,
    dismissed)."""
    if not pw.can_watch(request.user):
        raise Forbidden(Cap.PRICE_WATCH)
    rows = pw.price_cases_visible(user=request.user)
    if state:
        rows = rows.filter(state=state)
    items, count = paginate(rows, page, page_size)
    return {"items": [_case(c) for c in items], "count": count}


class PriceCaseReportOut(Schema):
    id: int
    shop: str
    goods: str
    price: str
    hoarding: bool
    description: str
    state: str
    reported_at: datetime


class PriceCaseDetailOut(PriceCaseOut):
    evidence: list[PriceObservationOut]
    joined_reports: list[PriceCaseReportOut]


def _case_detail(c: PriceCase) -> dict:
    observations, reports = pw.case_evidence(c)
    top = max((o.price for o in observations), default=None)
    out = _case(c, n_observations=len(observations), n_reports=len(reports)) | {"highest": _yuan(top)}
    return out | {
        "evidence": [_observation(o) for o in observations],
        "joined_reports": [
            {k: getattr(r, k) for k in PriceCaseReportOut.model_fields if k != "id"} | {"id": r.pk} for r in reports
        ],
    }


@router.get("/price-cases/{int:case_id}", response={200: PriceCaseDetailOut, **ERRORS})
def price_case_detail(request, case_id: int):
    """A case with its evidence: the prices seen above the margin and the public's reports joined to it."""
    return _case_detail(pw.price_case_get(user=request.user, id=case_id))


@router.post("/price-cases/{int:case_id}/close", response={200: PriceCaseDetailOut, **ERRORS})
def price_case_close(request, case_id: int, payload: pw.PriceCaseCloseInput):
    """Close a case with its outcome (`confirmed`: action taken); its open reports close with the same outcome."""
    pw.price_case_close(actor=request.user, case_id=case_id, **payload.dict())
    return _case_detail(pw.price_case_get(user=request.user, id=case_id))


class PriceReportLinkOut(Schema):
    id: int
    state: str
    case_id: int | None


@router.post("/livelihood/price-reports/{int:report_id}/link", response={200: PriceReportLinkOut, **ERRORS})
def price_report_link(request, report_id: int, payload: pw.PriceReportLinkInput):
    """Join a public report to the case of the market it is about (`item_id`, or `hoarding: true`): the market's
    open case, or a new one. The report is then closed with its case."""
    r: PriceReport = pw.price_report_link(actor=request.user, report_id=report_id, **payload.dict())
    return {"id": r.pk, "state": r.state, "case_id": r.case_id}
