"""The hall over the API (/api/v1/hall, /hall/alerts, /desk): the same figures as the page, for a wall that
renders its own screen, a provincial platform, or a test."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from fangkong.core.alerts import alerts_for
from fangkong.core.api import ErrorOut, idempotent
from fangkong.core.dates import parse_moment
from fangkong.core.desk import todos_for
from fangkong.core.errors import Code, FieldError

from .selectors import TREND_DAYS, area_get, hall_for, map_for, trends_of
from .services import AlertDispatchInput, alert_dispatch

router = Router(tags=["hall"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class JurisdictionRef(Schema):
    id: int
    name: str
    level: str


class HallFigureOut(Schema):
    key: str
    label: str
    value: Any
    previous: int | None
    change: int | None
    url: str
    tone: str


class HallSectionOut(Schema):
    module: str
    label: str
    figures: list[HallFigureOut]


class HallOut(Schema):
    jurisdiction: JurisdictionRef
    generated_at: datetime
    indicators: dict[str, dict[str, Any]]
    sections: list[HallSectionOut]
    children: list[JurisdictionRef]


def _ref(j) -> dict:
    return {"id": j.pk, "name": j.name, "level": j.level}


@router.get("/hall", response={200: HallOut, **ERRORS})
def hall(request, jurisdiction: int | None = None):
    """Every module's figures for a jurisdiction (default: the caller's own); outside the caller's reach, 404.
    `indicators` is {module: {name: value}}; `sections` carries the labels, yesterday's values and the links."""
    h = hall_for(user=request.user, jurisdiction_id=jurisdiction)
    return {
        "jurisdiction": _ref(h.jurisdiction),
        "generated_at": h.generated_at,
        "indicators": h.indicators(),
        "sections": [
            {
                "module": s.module,
                "label": str(s.label),
                "figures": [
                    {
                        "key": f.key,
                        "label": str(f.label),
                        "value": f.value,
                        "previous": f.previous,
                        "change": f.change,
                        "url": f.url,
                        "tone": f.tone,
                    }
                    for f in s.figures
                ],
            }
            for s in h.sections
        ],
        "children": [_ref(c) for c in h.children],
    }


class HallAlertOut(Schema):
    id: int
    kind: str
    at: datetime
    title: str
    url: str
    severity: str


class AlertsOut(Schema):
    items: list[HallAlertOut]


def _since(value: str | None) -> datetime | None:
    if value is None or not value.strip():
        return None
    moment = parse_moment("since", value)
    if moment is None:
        raise FieldError("since", _("Give a time (ISO 8601)."), code=Code.INVALID)
    return moment


@router.get("/hall/alerts", response={200: AlertsOut, **ERRORS})
def hall_alerts(request, since: str | None = None, jurisdiction: int | None = None, limit: int = 50):
    """The alerts the caller may see, newest first: after `since` (ISO 8601) when given, under `jurisdiction`
    (default: all of the caller's reach), at most `limit` (1–200)."""
    area = area_get(user=request.user, jurisdiction_id=jurisdiction)  # 404 without a hall, or outside its reach
    within = area.path if jurisdiction is not None else None  # default: everything the caller may see
    if not 1 <= limit <= 200:
        raise FieldError("limit", _("Give a number from 1 to 200."), code=Code.OUT_OF_RANGE)
    items = alerts_for(user=request.user, since=_since(since), within=within, limit=limit)
    return {
        "items": [
            {"id": a.id, "kind": a.kind, "at": a.at, "title": a.title, "url": a.url, "severity": a.severity}
            for a in items
        ]
    }


class TodoOut(Schema):
    kind: str
    label: str
    count: int
    overdue: int
    url: str


class DeskOut(Schema):
    items: list[TodoOut]


@router.get("/desk", response={200: DeskOut, **ERRORS})
def desk(request):
    """What waits for the caller, by kind, with the list to open (every kind of work that is theirs, those with
    nothing waiting included)."""
    return {
        "items": [
            {"kind": t.kind, "label": str(t.label), "count": t.count, "overdue": t.overdue, "url": t.url}
            for t in todos_for(request.user)
        ]
    }


@router.get("/hall/map", response={200: dict, **ERRORS})
def hall_map(request, level: str = "", indicator: str = "", jurisdiction: int | None = None):
    """A GeoJSON FeatureCollection of the jurisdiction's streets, communities or grids (`level`, default the one
    below it), each feature's `properties` {id, name, code, value} for `indicator` (default `zone_level`: 0 none
    … 3 a red zone); `points` (a foreign member) holds the layers of checkpoints, sites, compounds and incidents.
    An indicator the map does not know: 400, naming the ones it knows."""
    return map_for(user=request.user, jurisdiction_id=jurisdiction, level=level, indicator=indicator)


class TrendSeriesOut(Schema):
    name: str
    label: str
    kind: str  # line | bar
    tone: str
    values: list[int]


class TrendChartOut(Schema):
    name: str
    label: str
    series: list[TrendSeriesOut]


class TrendsOut(Schema):
    jurisdiction: dict[str, Any]
    days: list[str]
    charts: list[TrendChartOut]


@router.get("/hall/trends", response={200: TrendsOut, **ERRORS})
def hall_trends(request, jurisdiction: int | None = None, days: int = TREND_DAYS):
    """The last `days` days (1–366, default 30; today included) of arrivals, closed-loop cases opened and
    released, samples, positive pools and confirmed cases (the epidemic curve), hazards found and closed — those
    the caller may see in the jurisdiction — one value per day in `days`' order."""
    return trends_of(user=request.user, jurisdiction_id=jurisdiction, days=days)


class DispatchedTaskOut(Schema):
    id: int
    recipient: str
    deadline: datetime
    state: str  # dispatched | acknowledged | handled | closed


class DispatchOut(Schema):
    directive: int
    tasks: list[DispatchedTaskOut]


@router.post("/hall/alerts/{alert_id}/dispatch", response={201: DispatchOut, **ERRORS, 409: ErrorOut})
def hall_alert_dispatch(request, alert_id: int, payload: AlertDispatchInput):
    """Turn an alert into a task for who must act (jurisdiction ids or "unit:ID", below the caller), due by
    `deadline`; it is followed on the hall until closed. An alert the caller does not see: 404. Send
    `Idempotency-Key` to make retries safe."""

    def run():
        d = alert_dispatch(actor=request.user, alert_id=alert_id, **payload.dict())
        tasks = [
            {"id": t.pk, "recipient": t.recipient.name, "deadline": t.deadline, "state": "dispatched"}
            for t in d.tasks.select_related("jurisdiction", "unit").order_by("pk")
        ]
        return 201, {"directive": d.pk, "tasks": tasks}

    return Status(*idempotent(request, "hall.dispatch", run))
