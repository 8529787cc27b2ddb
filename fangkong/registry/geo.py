"""Where things are: jurisdictions' boundaries (GeoJSON geometry, WGS-84 longitude/latitude) and the points of
units, sampling sites and compounds, for the command hall's map — drawn by ECharts from GeoJSON, no map tiles
(district intranets have no internet).

Real boundaries are imported from a GeoJSON file (`boundaries_import`): each feature matched to a jurisdiction by
its code, each geometry checked (a polygon or multipolygon, closed rings, no self-intersection, inside the
district's extent). A file in GCJ-02 (the "Mars" coordinates of Chinese web maps, offset a few hundred metres
from WGS-84) is told apart when the district already has a WGS-84 outline to compare with: its shapes sit where
the WGS-84 outline would sit after the GCJ-02 shift. The demo draws plausible boundaries itself
(`demo_boundaries`): rectangles that tile the real district's extent.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from typing import Any

import eviltransform
from django.db import transaction
from django.utils.translation import gettext as _
from shapely import validation
from shapely.geometry import box, shape

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from .models import Jurisdiction

# Xinglongtai district, Panjin (兴隆台区): the demo draws inside this box; an import refuses coordinates far
# outside the district's own outline (or, before there is one, outside this box grown by half its size).
DEMO_EXTENT = (121.93, 41.05, 122.13, 41.22)  # west, south, east, north
MAX_BYTES = 50 * 1024 * 1024  # a whole province's communities fit in a few MB; 200 MB is not a boundary file


@dataclass
class ImportReport:
    matched: int = 0
    unmatched: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)  # {code (the feature's), problem, message}
    stored: bool = False
    crs: str = "WGS-84"

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "unmatched": self.unmatched,
            "invalid": self.invalid,
            "stored": self.stored,
            "crs": self.crs,
        }


# ---------------------------------------------------------------- the demo's boundaries


def _split(rect: tuple[float, float, float, float], n: int) -> list[tuple[float, float, float, float]]:
    """`rect` cut into `n` cells of about equal area: rows of columns, the last row's cells wider."""
    west, south, east, north = rect
    rows = max(1, round(math.sqrt(n * (north - south) / max(east - west, 1e-9))))
    rows = min(rows, n)
    cells = []
    per_row = [n // rows + (1 if r < n % rows else 0) for r in range(rows)]
    height = (north - south) / rows
    for r, cols in enumerate(per_row):
        width = (east - west) / cols
        top = north - r * height
        for c in range(cols):
            cells.append((west + c * width, top - height, west + (c + 1) * width, top))
    return cells


def _polygon(rect: tuple[float, float, float, float]) -> dict:
    west, south, east, north = (round(v, 6) for v in rect)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def demo_boundaries(extent: tuple[float, float, float, float] = DEMO_EXTENT) -> dict[str, tuple]:
    """{jurisdiction path: rectangle}: the district's extent cut among its streets, each street's among its
    communities and villages, each community's among its grids — a tiling, so every point belongs to one grid and
    a district is the union of its streets. Written as GeoJSON polygons by `demo_draw`."""
    out: dict[str, tuple] = {}
    children: dict[int | None, list[Jurisdiction]] = {}
    for j in Jurisdiction.objects.order_by("path"):
        children.setdefault(j.parent_id, []).append(j)

    def draw(j: Jurisdiction, rect: tuple) -> None:
        out[j.path] = rect
        kids = children.get(j.pk, [])
        if not kids:
            return
        for kid, cell in zip(kids, _split(rect, len(kids)), strict=True):
            draw(kid, cell)

    for root in children.get(None, []):
        draw(root, extent)
    return out


def demo_draw(*, seed: int = 20221) -> dict[str, tuple]:
    """Store the demo's boundaries on every jurisdiction; returns the rectangles by path (for points inside)."""
    rects = demo_boundaries()
    rows = list(Jurisdiction.objects.all())
    for j in rows:
        j.boundary = _polygon(rects[j.path])
    Jurisdiction.objects.bulk_update(rows, ["boundary"], batch_size=500)
    return rects


def point_in(rect: tuple[float, float, float, float], rng: random.Random) -> tuple[float, float]:
    """A point well inside `rect` (longitude, latitude), to 6 decimals (~0.1 m)."""
    west, south, east, north = rect
    return (
        round(west + (east - west) * rng.uniform(0.15, 0.85), 6),
        round(south + (north - south) * rng.uniform(0.15, 0.85), 6),
    )


def point_within(j: Jurisdiction, rng: random.Random) -> tuple[float | None, float | None]:
    """A point inside `j`'s outline's bounding box (the demo's outlines are rectangles); none without an outline."""
    if not j.boundary:
        return None, None
    return point_in(shape(j.boundary).bounds, rng)


def centroid(j: Jurisdiction) -> tuple[float, float] | None:
    """The middle of `j`'s outline (longitude, latitude), or None without one."""
    if not j.boundary:
        return None
    middle = shape(j.boundary).representative_point()  # inside the outline, even a concave one
    return round(middle.x, 6), round(middle.y, 6)


# ---------------------------------------------------------------- import


def _extent() -> tuple[float, float, float, float]:
    """Where the district lies: its own outline when it has one, else the demo box grown by half its size."""
    root = Jurisdiction.objects.filter(parent__isnull=True, boundary__isnull=False).first()
    if root is not None:
        return shape(root.boundary).bounds
    west, south, east, north = DEMO_EXTENT
    dx, dy = (east - west) / 2, (north - south) / 2
    return (west - dx, south - dy, east + dx, north + dy)


def _closed(geometry: dict) -> bool:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                return False
    return True


def check_geometry(geometry: Any, extent: tuple[float, float, float, float]) -> tuple[str, str]:
    """("", "") when `geometry` is a usable outline, else (a stable problem code, the reason translated)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "not_polygon", _("The geometry is not a polygon or a multipolygon.")
    try:
        if not _closed(geometry):
            return "open_ring", _(
                "A ring is not closed (its last point must repeat its first, with at least four points)."
            )
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError):
        return "unreadable", _("The coordinates cannot be read.")
    if geom.is_empty:
        return "empty", _("The geometry is empty.")
    if not geom.is_valid:
        return "invalid_outline", _("The outline is not valid: %(why)s.") % {"why": validation.explain_validity(geom)}
    west, south, east, north = geom.bounds
    if not box(*extent).buffer(0.02).contains(box(west, south, east, north)):
        return "outside", _("The coordinates lie outside the district (longitude %(x).4f, latitude %(y).4f).") % {
            "x": geom.centroid.x,
            "y": geom.centroid.y,
        }
    return "", ""


def looks_like_gcj02(pairs: list[tuple[dict, dict]]) -> bool:
    """Whether new outlines are GCJ-02: given (stored WGS-84 outline, new outline) of the same jurisdictions, the
    new ones sit, on average, where the stored ones land after the GCJ-02 shift (a few hundred metres) rather than
    where they are. Without stored outlines to compare with, nothing can be said (False)."""
    if not pairs:
        return False
    dx = dy = sx = sy = 0.0
    for stored, new in pairs:
        a, b = shape(stored).centroid, shape(new).centroid
        dx, dy = dx + b.x - a.x, dy + b.y - a.y
        lat, lon = eviltransform.wgs2gcj(a.y, a.x)
        sx, sy = sx + lon - a.x, sy + lat - a.y
    n = len(pairs)
    moved, expected = (dx / n, dy / n), (sx / n, sy / n)
    shift = math.hypot(*expected)
    return math.hypot(moved[0] - expected[0], moved[1] - expected[1]) < shift / 3 and math.hypot(*moved) > shift / 2


def _require_hq(actor) -> None:
    if not scope_for(actor, Cap.REGISTRY_VIEW).district_wide or not scope_for(actor, Cap.HALL_VIEW).district_wide:
        raise Forbidden(Cap.HALL_VIEW)


def read_features(content: bytes) -> list[dict]:
    """The features of a GeoJSON FeatureCollection, or a FieldError naming what is wrong with the file."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FieldError("file", _("The file is not GeoJSON (it cannot be read as JSON)."), code=Code.INVALID) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FieldError("file", _("The file is not a GeoJSON FeatureCollection."), code=Code.INVALID)
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise FieldError("file", _("The file has no features."), code=Code.REQUIRED)
    return features


def _code_of(feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return ""
    for key in ("code", "CODE", "adcode", "jurisdiction_code"):
        if props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return ""


@transaction.atomic
def boundaries_import(*, actor, content: bytes, filename: str = "") -> ImportReport:
    """Jurisdictions' outlines from a GeoJSON file (district HQ): each feature matched by its `code` property
    (also `adcode`). Every feature is checked before anything is stored; one invalid outline and nothing is
    stored (the report says which and why). Features whose code matches no jurisdiction are listed and left out:
    a province's file carries its neighbours too. A file in GCJ-02 is refused with that reason."""
    _require_hq(actor)
    features = read_features(content)
    report = ImportReport()
    by_code = {j.code: j for j in Jurisdiction.objects.all()}
    extent = _extent()
    matched: list[tuple[Jurisdiction, dict]] = []
    for index, feature in enumerate(features, start=1):
        code = _code_of(feature)
        if not code:
            report.invalid.append(
                {"code": f"#{index}", "problem": "no_code", "message": _("The feature has no code property.")}
            )
            continue
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        j = by_code.get(code)
        if j is None:
            report.unmatched.append(code)
            continue
        problem, message = check_geometry(geometry, extent)
        if problem:
            report.invalid.append({"code": code, "problem": problem, "message": message})
            continue
        matched.append((j, geometry))  # type: ignore[arg-type]  # checked: a polygon dict
    report.matched = len(matched)
    if looks_like_gcj02([(j.boundary, g) for j, g in matched if j.boundary]):
        report.crs = "GCJ-02"
        report.invalid.append(
            {
                "code": "*",
                "problem": "gcj02",
                "message": _(
                    "The file looks like GCJ-02 (the offset coordinates of Chinese web maps), not WGS-84: convert "
                    "it to WGS-84 first."
                ),
            }
        )
    if report.invalid or not matched:
        return report
    for j, geometry in matched:
        j.boundary = geometry
    Jurisdiction.objects.bulk_update([j for j, _g in matched], ["boundary"], batch_size=500)
    report.stored = True
    audit_record(
        actor=actor,
        action="registry.boundaries_import",
        obj=matched[0][0],
        fields={"file": filename[:100], "matched": report.matched, "unmatched": len(report.unmatched)},
    )
    return report
