"""What the hall reads: the jurisdiction it is about (within the viewer's reach, else 404), and every module's
figures for it (core.hall), as the page and the API both show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.errors import Code, FieldError
from fangkong.core.hall import (
    Area,
    Section,
    map_indicator,
    map_indicators,
    point_layers,
    sections_for,
    trends_for,
)
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for
from fangkong.registry.models import Jurisdiction


def area_get(*, user, jurisdiction_id: int | None = None) -> Jurisdiction:
    """The jurisdiction a hall is about: the one asked for when it lies within the viewer's reach (404
    otherwise, as if it did not exist), else the viewer's own (the first, for one who holds several)."""
    scope = scope_for(user, Cap.HALL_VIEW)
    if scope.empty:
        raise NotFound
    qs = Jurisdiction.objects.filter(scope.q("path"))
    if jurisdiction_id is None:
        found = qs.filter(path__in=scope.paths).order_by("path").first()
    else:
        found = qs.filter(pk=jurisdiction_id).first()
    if found is None:
        raise NotFound
    return found


def as_area(j: Jurisdiction) -> Area:
    return Area(id=j.pk, name=j.name, path=j.path, level=j.level)


@dataclass
class Hall:
    jurisdiction: Jurisdiction
    generated_at: datetime
    sections: list[Section]
    ancestors: list[Jurisdiction]  # from the top of the viewer's reach down to the parent
    children: list[Jurisdiction]  # to drill down to
    roots: list[Jurisdiction]  # the viewer's own jurisdictions (one who holds several switches between them)

    def indicators(self) -> dict[str, dict]:
        """{module: {key: value}} — the API's contract (`indicators["containment"]["red"]`)."""
        return {s.module: {f.key: f.value for f in s.figures} for s in self.sections}


def hall_for(*, user, jurisdiction_id: int | None = None, now: datetime | None = None) -> Hall:
    j = area_get(user=user, jurisdiction_id=jurisdiction_id)
    now = now or clock.now()
    scope = scope_for(user, Cap.HALL_VIEW)
    prefixes = [j.path[: i + 1] for i, ch in enumerate(j.path) if ch == "/"][:-1]
    ancestors = [a for a in Jurisdiction.objects.filter(path__in=prefixes).order_by("path") if scope.covers(a.path)]
    return Hall(
        jurisdiction=j,
        generated_at=now,
        sections=sections_for(user, as_area(j), now),
        ancestors=ancestors,
        children=list(Jurisdiction.objects.filter(parent=j).order_by("path")),
        roots=list(Jurisdiction.objects.filter(path__in=scope.paths).order_by("path")),
    )


LEVELS = ("street", "community", "grid")
_BELOW = {"district": "street", "street": "community", "community": "grid", "grid": "grid"}
_DEPTH = {"district": 0, "street": 1, "community": 2, "grid": 3}


def map_for(
    *, user, jurisdiction_id: int | None = None, level: str = "", indicator: str = "", now: datetime | None = None
) -> dict:
    """The map of a jurisdiction as GeoJSON: its streets, communities or grids (`level`; default the level just
    below it), each with its outline and `indicator`'s value (default: the strictest zone level), and the point
    layers (checkpoints, sampling sites, sealed compounds …) as foreign members."""
    j = area_get(user=user, jurisdiction_id=jurisdiction_id)
    now = now or clock.now()
    name = indicator or "zone_level"
    chosen = map_indicator(name)
    if chosen is None:
        known = ", ".join(i.name for i in map_indicators())
        raise FieldError(
            "indicator",
            _("The map does not know this indicator; it knows: %(names)s.") % {"names": known},
            code=Code.UNKNOWN_CHOICE,
        )
    level = level or _BELOW[j.level]
    if level not in LEVELS:
        raise FieldError("level", _("The level is street, community or grid."), code=Code.UNKNOWN_CHOICE)
    if _DEPTH[level] < _DEPTH[j.level]:
        raise FieldError("level", _("The level must be at or below the jurisdiction shown."), code=Code.OUT_OF_RANGE)
    shown = list(Jurisdiction.objects.filter(path__startswith=j.path, level=level).order_by("path"))
    areas = [as_area(x) for x in shown]
    values = chosen.values(user, as_area(j), areas, now)
    here = as_area(j)
    return {
        "type": "FeatureCollection",
        "jurisdiction": {"id": j.pk, "name": j.name, "level": j.level},
        "level": level,
        "indicator": {"name": chosen.name, "label": str(chosen.label), "palette": chosen.palette},
        "indicators": [{"name": i.name, "label": str(i.label)} for i in map_indicators()],
        "features": [
            {
                "type": "Feature",
                "id": x.pk,
                "geometry": x.boundary,
                "properties": {"id": x.pk, "name": x.name, "code": x.code, "value": values.get(x.pk)},
            }
            for x in shown
        ],
        "points": [
            {
                "kind": layer.kind,
                "label": str(layer.label),
                "symbol": layer.symbol,
                "items": [
                    {"name": p.name, "lon": p.lon, "lat": p.lat, "url": p.url}
                    for p in items
                    if p.lon is not None and p.lat is not None
                ],
            }
            for layer in point_layers()
            if (items := layer.points(user, here))
        ],
    }


TREND_DAYS = 30
MAX_TREND_DAYS = 366


def trends_of(*, user, jurisdiction_id: int | None = None, days: int = TREND_DAYS, now: datetime | None = None) -> dict:
    """The last `days` days (today included) of every trend the viewer may see in the jurisdiction, by chart:
    `{"jurisdiction", "days": [ISO dates], "charts": [{"name", "label", "series": [{"name", "label", "kind",
    "tone", "values"}]}]}` — one value per day, oldest first."""
    j = area_get(user=user, jurisdiction_id=jurisdiction_id)
    if not 1 <= days <= MAX_TREND_DAYS:
        raise FieldError(
            "days",
            _("The number of days is from 1 to %(max)s.") % {"max": MAX_TREND_DAYS},
            code=Code.OUT_OF_RANGE,
        )
    today = clock.localdate(now)
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    charts = trends_for(user, as_area(j), dates)
    return {
        "jurisdiction": {"id": j.pk, "name": j.name},
        "days": [d.isoformat() for d in dates],
        "charts": [
            {
                "name": c.name,
                "label": str(c.label),
                "series": [
                    {"name": t.name, "label": str(t.label), "kind": t.kind, "tone": t.tone, "values": values}
                    for t, values in c.series
                ],
            }
            for c in charts
        ],
    }
