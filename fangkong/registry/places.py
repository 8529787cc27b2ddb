"""Places — compounds (or a village's groups), their buildings, their households — set up from a sheet by the
administrators of the tree (`registry.admin`, within reach). People live in households (the roster's compound,
building and household columns find theirs): household tubes and sealed zones are drawn over them.

One row per place, its finest given: `community, grid, compound, building, household, address, lon, lat`. A place
is known by its name under its parent (a compound by its name in its grid): importing a sheet again changes
nothing, and a row naming a known place updates its address and point.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.tables import TableSpec, open_table

from .models import Jurisdiction, Place
from .reorganising import admin_scope
from .results import ImportResult
from .units import clean_point

P = Place.Kind
COLUMNS: dict[str, set[str]] = {
    "community": {"community", "社区", "社区/村", "村", "社区（村）"},
    "grid": {"grid", "网格", "网格编码"},
    "compound": {"compound", "小区", "小区/村民小组", "村民小组", "小区名称"},
    "building": {"building", "楼栋", "楼号", "楼"},
    "household": {"household", "户", "门牌", "门牌号", "房号"},
    "address": {"address", "地址"},
    "lon": {"lon", "经度", "longitude"},
    "lat": {"lat", "纬度", "latitude"},
}
PLACES = TableSpec(COLUMNS, ("grid", "compound"))
TEMPLATE_HEADER = ["社区", "网格", "小区", "楼栋", "户", "地址", "经度", "纬度"]
FIELD_TITLES = dict(zip(COLUMNS, TEMPLATE_HEADER, strict=True)) | {"file": "文件"}
BATCH = 2000


def _name(values: dict[str, str], column: str, *, required: bool = False) -> str:
    text = " ".join((values.get(column) or "").split())
    if required and not text:
        raise FieldError(column, _("This column is required."), code=Code.REQUIRED)
    if len(text) > 100:
        raise FieldError(column, _("The name is longer than 100 characters."), code=Code.TOO_LONG)
    return text


@dataclass
class _Row:
    number: int
    grid: Jurisdiction
    compound: str
    building: str
    household: str
    address: str
    lon: float | None
    lat: float | None

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.grid.pk, self.compound, self.building, self.household)


def _grid(values: dict[str, str], grids: dict[str, Jurisdiction], communities: dict[str, list[Jurisdiction]], scope):
    grid = grids.get((values.get("grid") or "").strip())
    if grid is None:
        raise FieldError("grid", _("No grid has this code."), code=Code.NOT_FOUND)
    named = (values.get("community") or "").strip()
    if named:
        found = communities.get(named, [])
        if not found:
            raise FieldError("community", _("No community or village of that name or code."), code=Code.NOT_FOUND)
        if all(c.pk != grid.parent_id for c in found):
            raise FieldError("grid", _("This grid is not in that community."), code=Code.INVALID)
    if not scope.covers(grid.path):
        raise FieldError("grid", _("This grid is beyond your reach."), code=Code.FORBIDDEN)
    return grid


def _row_of(number: int, values: dict[str, str], grids, communities, scope) -> _Row:
    """A sheet's row, or the page's form, read into the place it names (FieldError naming the column)."""
    return _Row(
        number,
        _grid(values, grids, communities, scope),
        _name(values, "compound", required=True),
        _name(values, "building"),
        _name(values, "household"),
        " ".join((values.get("address") or "").split())[:200],
        *clean_point(values),
    )


def _tree(codes: set[str] | None = None) -> tuple[dict[str, Jurisdiction], dict[str, list[Jurisdiction]]]:
    """The grids by code, and the communities by code and by name (a row may name either), of the tree in use —
    only those the `codes` (grid codes, community codes or names) name, when given."""
    tree = Jurisdiction.objects.filter(retired_on__isnull=True, level__in=["community", "grid"])
    if codes is not None:
        tree = tree.filter(Q(code__in=codes) | Q(name__in=codes, level="community"))
    grids: dict[str, Jurisdiction] = {}
    communities: dict[str, list[Jurisdiction]] = {}
    for j in tree:
        if j.level == Jurisdiction.Level.GRID:
            grids[j.code] = j
        else:
            communities.setdefault(j.code, []).append(j)
            communities.setdefault(j.name, []).append(j)
    return grids, communities


def places_import(*, actor, filename: str, content: bytes) -> ImportResult:
    """Create and update compounds, buildings and households; each rejected row named with its column."""
    scope = admin_scope(actor)
    table = open_table(PLACES, filename, content)
    grids, communities = _tree()
    result = ImportResult()
    rows: dict[tuple, _Row] = {}
    for number, cells in table.rows:
        try:
            values = table.values(cells)
            if values is None:
                continue
            row = _row_of(number, values, grids, communities, scope)
        except FieldError as exc:
            result.reject(number, exc)
            continue
        if row.key in rows:
            result.unchanged += 1  # the same place again: the first row says it
            continue
        rows[row.key] = row
    with transaction.atomic():
        _write(list(rows.values()), result)
        audit_record(
            actor=actor,
            action="places.import",
            object_type="registry.importfile",
            object_repr=filename[:200],
            fields={**{k: v for k, v in result.as_dict().items() if k != "rejected"}, "rejected": len(result.rejected)},
        )
    result.rejected.sort(key=lambda r: r["row"])
    return result


def _write(rows: list[_Row], result: ImportResult) -> None:
    """Level by level: the compounds, then the buildings under them, then the households, each level's new places
    in bulk; the finest place of each row gets its address and point."""
    grid_ids = sorted({r.grid.pk for r in rows})
    compounds = {
        (p.jurisdiction_id, p.name): p
        for p in Place.objects.filter(kind=P.COMPOUND, jurisdiction_id__in=grid_ids).select_for_update()
    }
    new = {(r.grid.pk, r.compound): r.grid for r in rows if (r.grid.pk, r.compound) not in compounds}
    Place.objects.bulk_create(
        [Place(kind=P.COMPOUND, name=n, jurisdiction=g, jpath=g.path) for (_g, n), g in new.items()], batch_size=BATCH
    )
    if new:
        compounds = {
            (p.jurisdiction_id, p.name): p for p in Place.objects.filter(kind=P.COMPOUND, jurisdiction_id__in=grid_ids)
        }
    finest: dict[tuple, tuple[Place, bool]] = {}  # row key → (place, created by this import)
    created_compounds = set(new)
    buildings_wanted = {}
    for r in rows:
        compound = compounds[(r.grid.pk, r.compound)]
        if not r.building and not r.household:
            finest[r.key] = (compound, (r.grid.pk, r.compound) in created_compounds)
        if r.building:
            buildings_wanted[(compound.pk, r.building)] = compound
    buildings, created_buildings = _children(P.BUILDING, buildings_wanted)
    households_wanted = {}
    for r in rows:
        compound = compounds[(r.grid.pk, r.compound)]
        parent = buildings[(compound.pk, r.building)] if r.building else compound
        if r.building and not r.household:
            finest[r.key] = (parent, (compound.pk, r.building) in created_buildings)
        if r.household:
            households_wanted[(parent.pk, r.household)] = parent
    households, created_households = _children(P.HOUSEHOLD, households_wanted)
    for r in rows:
        if r.household:
            compound = compounds[(r.grid.pk, r.compound)]
            parent = buildings[(compound.pk, r.building)] if r.building else compound
            finest[r.key] = (households[(parent.pk, r.household)], (parent.pk, r.household) in created_households)
    changed: list[Place] = []
    for r in rows:
        place, created = finest[r.key]
        wanted = {"address": r.address or place.address, "lon": r.lon, "lat": r.lat}
        if r.lon is None:
            wanted.update(lon=place.lon, lat=place.lat)
        differs = any(getattr(place, k) != v for k, v in wanted.items())
        for k, v in wanted.items():
            setattr(place, k, v)
        if differs:
            changed.append(place)
        if created:
            result.created += 1
        elif differs:
            result.updated += 1
        else:
            result.unchanged += 1
    Place.objects.bulk_update(changed, ["address", "lon", "lat"], batch_size=BATCH)


def _children(kind: str, wanted: dict[tuple[int, str], Place]) -> tuple[dict[tuple, Place], set]:
    """The places of `kind` under their parents by (parent id, name), made where missing; and the keys made."""
    parent_ids = sorted({parent.pk for parent in wanted.values()})
    found: dict[tuple, Place] = {}
    for start in range(0, len(parent_ids), BATCH):
        chunk = parent_ids[start : start + BATCH]
        found.update({(p.parent_id, p.name): p for p in Place.objects.filter(kind=kind, parent_id__in=chunk)})
    missing = [key for key in wanted if key not in found]
    Place.objects.bulk_create(
        [
            Place(
                kind=kind,
                name=name,
                parent=wanted[(pid, name)],
                jurisdiction_id=wanted[(pid, name)].jurisdiction_id,
                jpath=wanted[(pid, name)].jpath,
            )
            for pid, name in missing
        ],
        batch_size=BATCH,
    )
    if missing:
        ids = sorted({pid for pid, _name in missing})
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            found.update({(p.parent_id, p.name): p for p in Place.objects.filter(kind=kind, parent_id__in=chunk)})
    return found, set(missing)


@transaction.atomic
def place_save(*, actor, values: dict[str, str]) -> str:
    """One place from the places page's form, as a sheet's row would be (`grid`, `compound`, `building`,
    `household`, `address`, `lon`, `lat`): made where new, its address and point changed where known. Returns
    "created", "updated" or "unchanged"; a bad field raises FieldError naming it."""
    scope = admin_scope(actor)
    grids, communities = _tree({(values.get(k) or "").strip() for k in ("grid", "community")})
    row = _row_of(0, values, grids, communities, scope)
    result = ImportResult()
    _write([row], result)
    outcome = "created" if result.created else "updated" if result.updated else "unchanged"
    if outcome != "unchanged":
        audit_record(
            actor=actor,
            action=f"place.{'create' if outcome == 'created' else 'update'}",
            object_type="registry.place",
            object_repr=" ".join(p for p in (row.compound, row.building, row.household) if p)[:200],
            jpath=row.grid.path,
        )
    return outcome


def places_counted(*, user) -> dict[str, int]:
    """Compounds, buildings and households within the user's reach (`registry.admin`), by kind."""
    scope = admin_scope(user)
    per_kind = Place.objects.filter(scope.q("jpath")).values("kind").annotate(n=Count("id")).order_by()
    counted = {row["kind"]: row["n"] for row in per_kind}
    return {k: counted.get(k, 0) for k in Place.Kind.values}
