"""What each module shows on the command hall, without the hall (or core) importing it.

Each module registers, in its AppConfig.ready:

- an indicator provider (`register_indicators`): called with the viewer and the jurisdiction the hall is about
  (an `Area`, already checked to be within the viewer's reach), it answers the module's figures for that area —
  scoped again by the module's own capability, so a viewer who may not see the module's records gets none of its
  figures. Figures of an area are the sum of its children's: every record counted belongs to exactly one finest
  jurisdiction (its `jpath`), and an area counts the records whose path starts with its own.
- its kinds of alert (`register_alert_kind`): the label and the capability whose scope decides who sees one.
  The alerts themselves are rows written by the module in the transaction of the fact (`core.alerts.raise_alert`).
- the map's indicators (`register_map_indicator`): a value per jurisdiction for a choropleth.
- its trends (`register_trend`): a count per day over the last weeks, drawn in a chart it names (several modules
  may draw in one: the epidemic curve has testing's positive pools and containment's confirmed cases), read from
  counts kept per day (core.daily, or the module's own) — never by grouping a city's records per refresh.

The hall (fangkong.hall) composes them; the desk's to-dos are `core.desk`'s.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise

from .scoping import scope_for


@dataclass(frozen=True)
class Area:
    """The jurisdiction a hall (or a map, or a feed) is about."""

    id: int
    name: str
    path: str
    level: str


@dataclass(frozen=True)
class Figure:
    """One indicator: its value now, yesterday's when the module can say it, and the list behind it.

    `value` is an int for a tile; a list or a dict is data for the API (the zones with their population) and
    for a template that knows it (`tile=False`)."""

    key: str
    label: str | Promise
    value: Any
    previous: int | None = None
    url: str = ""
    tone: str = ""  # "bad": something is late or wrong when the value is not 0; "warn"; "" neutral
    tile: bool = True
    unit: str | Promise = ""

    @property
    def change(self) -> int | None:
        if self.previous is None or not isinstance(self.value, int):
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Section:
    module: str
    label: str | Promise
    figures: list[Figure] = field(default_factory=list)


IndicatorProvider = Callable[[Any, Area, datetime], list[Figure]]


@dataclass(frozen=True)
class _Provider:
    module: str
    label: str | Promise
    order: int
    provider: IndicatorProvider


_providers: dict[str, _Provider] = {}


def register_indicators(module: str, label: str | Promise, provider: IndicatorProvider, *, order: int) -> None:
    """`provider(user, area, now)` → the module's figures for `area` (an empty list when the user may not see
    them). Registering a module again (a second ready()) replaces it."""
    _providers[module] = _Provider(module, label, order, provider)


def sections_for(user, area: Area, now: datetime) -> list[Section]:
    """Every module's figures for `area` as `user` may see them, in the modules' order; a module with nothing
    for this user is left out."""
    out = []
    for p in sorted(_providers.values(), key=lambda p: (p.order, p.module)):
        figures = p.provider(user, area, now)
        if figures:
            out.append(Section(p.module, p.label, figures))
    return out


def modules() -> list[str]:
    return [p.module for p in sorted(_providers.values(), key=lambda p: (p.order, p.module))]


def list_url(url: str, area: Area | None = None, **params: str) -> str:
    """The list behind a figure, narrowed to `area` (`?jurisdiction=ID`, which the lists that take it honour,
    404 outside the viewer's reach) and filtered by `params`."""
    from urllib.parse import urlencode

    query = {**params, **({"jurisdiction": str(area.id)} if area is not None else {})}
    return f"{url}?{urlencode(query)}" if query else url


def covers(user, cap: str, area: Area) -> bool:
    """Whether `user` holds `cap` over the whole of `area` (a provider's first check)."""
    return scope_for(user, cap).covers(area.path)


# --- alert kinds ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertKind:
    kind: str
    label: str | Promise
    cap: str  # who sees an alert of this kind: the holders of `cap` whose scope covers the alert's jpath
    severity: str = "warn"  # "bad" for the wall's flash and sound


_alert_kinds: dict[str, AlertKind] = {}


def register_alert_kind(kind: str, label: str | Promise, *, cap: str, severity: str = "warn") -> None:
    _alert_kinds[kind] = AlertKind(kind, label, cap, severity)


def alert_kind(kind: str) -> AlertKind | None:
    return _alert_kinds.get(kind)


def alert_kinds() -> dict[str, AlertKind]:
    return dict(_alert_kinds)


# --- the map's indicators ------------------------------------------------------------------------------------


MapValues = Callable[[Any, Area, list[Area], datetime], dict[int, int]]


@dataclass(frozen=True)
class MapIndicator:
    name: str
    label: str | Promise
    # (user, the area the map is of, the areas shown in it, now) → {area id: value}; an empty dict when the user
    # may not see the module's records there.
    values: MapValues
    palette: str = "warn"  # "zone": the value is the strictest zone level's severity (0 none … 3 red)


_map_indicators: dict[str, MapIndicator] = {}


def register_map_indicator(name: str, label: str | Promise, values: MapValues, *, palette: str = "warn") -> None:
    _map_indicators[name] = MapIndicator(name, label, values, palette)


def map_indicator(name: str) -> MapIndicator | None:
    return _map_indicators.get(name)


def map_indicators() -> list[MapIndicator]:
    return list(_map_indicators.values())


# --- the map's points ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    lon: float | None  # providers ask for rows with coordinates; one without is left off the map
    lat: float | None
    name: str
    url: str = ""


@dataclass(frozen=True)
class PointLayer:
    kind: str
    label: str | Promise
    points: Callable[[Any, Area], list[MapPoint]]  # (user, area) → what the user may see of it inside `area`
    symbol: str = "circle"  # ECharts symbol: circle, triangle, diamond, pin, rect


_point_layers: dict[str, PointLayer] = {}


def register_map_points(
    kind: str, label: str | Promise, points: Callable[[Any, Area], list[MapPoint]], *, symbol: str = "circle"
) -> None:
    _point_layers[kind] = PointLayer(kind, label, points, symbol)


def point_layers() -> list[PointLayer]:
    return list(_point_layers.values())


def sum_by_area(counts: dict[str, int], areas: list[Area]) -> dict[int, int]:
    """{area id: the sum of `counts` (by jpath) of the records under it}: a map indicator from one grouped query.
    The paths sorted once, each area's a range of them (its prefix): fast for the 700 grids of a district."""
    paths = sorted(counts)
    running = [0]
    for path in paths:
        running.append(running[-1] + counts[path])
    out = {}
    for area in areas:
        lo = bisect.bisect_left(paths, area.path)
        hi = bisect.bisect_left(paths, area.path + "\uffff")
        out[area.id] = running[hi] - running[lo]
    return out


# --- trends --------------------------------------------------------------------------------------------------

# (user, area, first day, last day) → {day: n} for the days with something; None when the user may not see the
# module's records in `area` (the series is then left out, not drawn as zeros).
TrendSeries = Callable[[Any, Area, date, date], "dict[date, int] | None"]


@dataclass(frozen=True)
class Trend:
    name: str
    label: str | Promise
    chart: str
    series: TrendSeries
    kind: str = "line"  # or "bar"
    tone: str = ""  # "bad": drawn in the alarm colour (positives, cases)


@dataclass(frozen=True)
class Chart:
    name: str
    label: str | Promise
    order: int


_trends: dict[str, Trend] = {}
_charts: dict[str, Chart] = {}


def register_chart(name: str, label: str | Promise, *, order: int) -> None:
    """A chart the trends are drawn in ("arrivals", "epidemic_curve"): registered by the module that owns its
    subject; another module's trend may be drawn in it too."""
    _charts[name] = Chart(name, label, order)


def register_trend(
    name: str, label: str | Promise, series: TrendSeries, *, chart: str, kind: str = "line", tone: str = ""
) -> None:
    _trends[name] = Trend(name, label, chart, series, kind, tone)


def trend_named(name: str) -> Trend | None:
    """A registered trend by its name: a series kept with a document (the daily situation report) is labelled
    in the reader's language when read, not when stored."""
    return _trends.get(name)


def chart_named(name: str) -> Chart | None:
    return _charts.get(name)


@dataclass(frozen=True)
class TrendChart:
    name: str
    label: str | Promise
    series: list[tuple[Trend, list[int]]]  # each trend with one value per day, oldest first


def trends_for(user, area: Area, days: list[date]) -> list[TrendChart]:
    """Every chart with the series `user` may see in `area`, one value per day of `days` (consecutive, oldest
    first); a chart with no series for this user is left out."""
    drawn: dict[str, list[tuple[Trend, list[int]]]] = {}
    for t in _trends.values():
        values = t.series(user, area, days[0], days[-1])
        if values is not None:
            drawn.setdefault(t.chart, []).append((t, [values.get(d, 0) for d in days]))
    charts = sorted((c for c in _charts.values() if c.name in drawn), key=lambda c: (c.order, c.name))
    return [TrendChart(c.name, c.label, drawn[c.name]) for c in charts]
