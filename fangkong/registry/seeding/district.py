"""The district's shape: streets, communities, villages and grids; units; compounds, buildings and households."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from fangkong.core.bulk import write_rows

from .. import demo_names as names
from ..geo import point_in
from ..models import Jurisdiction, Place, Unit
from .common import (
    BUILDINGS_PER_COMPOUND,
    HOUSEHOLDS_PER_COMPOUND,
    PEOPLE_PER_HOUSEHOLD,
    first_free_id,
    reset_sequences,
)

# ---------------------------------------------------------------- the district


def _make_jurisdictions() -> dict[str, list[Jurisdiction]]:
    code, name = names.DISTRICT
    district = Jurisdiction.objects.create(code=code, name=name, level="district", kind="district", path=f"{code}/")
    words = iter(names.COMMUNITY_WORDS)
    streets, communities, grids = [], [], []
    for s_index, (s_name, s_kind, _n, _villages) in enumerate(names.STREETS, start=1):
        street = Jurisdiction(
            code=f"{code}{s_index:03d}",
            name=s_name,
            level="street",
            kind=s_kind,
            parent=district,
            path=f"{district.path}{s_index:03d}/",
        )
        streets.append(street)
    Jurisdiction.objects.bulk_create(streets)
    streets = list(Jurisdiction.objects.filter(level="street").order_by("path"))
    for street, (_, _, n_comm, villages) in zip(streets, names.STREETS, strict=True):
        entries = [(f"{next(words)}社区", "community") for _ in range(n_comm)] + [(v, "village") for v in villages]
        for c_index, (c_name, c_kind) in enumerate(entries, start=1):
            communities.append(
                Jurisdiction(
                    code=f"{street.code}{c_index:03d}",
                    name=c_name,
                    level="community",
                    kind=c_kind,
                    parent=street,
                    path=f"{street.path}{c_index:03d}/",
                )
            )
    Jurisdiction.objects.bulk_create(communities)
    communities = list(Jurisdiction.objects.filter(level="community").order_by("path"))
    numerals = "一二三四五六七八九十"
    for c_index, community in enumerate(communities):
        for g in range(1, 4 + c_index % 5 + 1):
            grids.append(
                Jurisdiction(
                    code=f"{community.code}{g:02d}",
                    name=f"第{numerals[g - 1]}网格",
                    level="grid",
                    kind="grid",
                    parent=community,
                    path=f"{community.path}{g:02d}/",
                )
            )
    Jurisdiction.objects.bulk_create(grids)
    grids = list(Jurisdiction.objects.filter(level="grid").order_by("path"))
    return {"district": [district], "streets": streets, "communities": communities, "grids": grids}


def _make_units(j: dict[str, list[Jurisdiction]], rects: dict[str, tuple]) -> tuple[dict[str, Unit], list[Unit]]:
    """All units, and the ones demo users are bound to, by key; each at a point inside its jurisdiction (a
    checkpoint, at the district's level, somewhere on its edge)."""
    district = j["district"][0]
    units: list[Unit] = []
    numbers = iter(range(1, 1_000_000))
    rng = random.Random(2022)

    def unit(kind: str, name: str, where: Jurisdiction, dept: Unit | None = None) -> Unit:
        lon, lat = point_in(rects[where.path], rng)
        if kind == "checkpoint":  # on an entry road at the district's edge
            west, _south, east, _north = rects[where.path]
            lon = round(rng.choice((west + 0.004, east - 0.004)), 6)
        u = Unit(
            kind=kind,
            name=name,
            code=f"U{next(numbers):05d}",
            jurisdiction=where,
            jpath=where.path,
            supervising_department=dept,
            lon=lon,
            lat=lat,
        )
        units.append(u)
        return u

    depts = {key: unit("department", name, district) for name, key in names.DEPARTMENTS}
    Unit.objects.bulk_create(units)
    units.clear()
    # SQLite's bulk_create returns no ids; the departments are needed as foreign keys below.
    depts = {key: Unit.objects.get(code=u.code) for key, u in depts.items()}
    key = {
        "dept_emergency": depts["emergency"],
        "dept_housing": depts["housing"],
        "dept_discipline": depts["discipline"],
        "dept_publicity": depts["publicity"],
        "dept_market": depts["market"],
        "hospital": unit("clinic", "兴隆台区人民医院", district, depts["health"]),
        "lab": unit("lab", "兴隆台区核酸检测实验室", district, depts["health"]),
    }
    for name in names.CHECKPOINTS:
        cp = unit("checkpoint", name, district, depts["transport"])
        key.setdefault("checkpoint", cp)
    kinds = [
        ("school", ["第{n}小学", "第{n}中学"], "education"),
        ("clinic", ["{s}社区卫生服务中心", "{s}第{n}诊所"], "health"),
        (
            "enterprise",
            [
                "{s}石化设备有限公司",
                "{s}建筑工程有限公司",
                "{s}物流有限公司",
                "{s}冷链仓储有限公司",
                "{s}燃气有限公司",
            ],
            "emergency",
        ),
        (
            "employer",
            [
                "{s}商贸有限公司",
                "{s}物业服务有限公司",
                "{s}餐饮管理有限公司",
                "{s}油田服务有限公司",
                "{s}信息技术有限公司",
            ],
            "market",
        ),
        ("venue", ["{s}大型超市", "{s}农贸市场", "{s}购物中心"], "commerce"),
    ]
    for n, street in enumerate(j["streets"], start=1):
        prefix = street.name.removesuffix("街道").removesuffix("镇")
        communities = [c for c in j["communities"] if c.parent_id == street.pk]
        for kind, patterns, dept in kinds:
            for p_index, pattern in enumerate(patterns):
                where = communities[p_index % len(communities)]
                u = unit(kind, pattern.format(s=prefix, n=n * 10 + p_index), where, depts[dept])
                if n == 1 and kind == "clinic" and p_index == 0:
                    key["clinic"] = u
                if n == 1 and kind == "enterprise" and p_index == 0:
                    key["enterprise"] = u
                if n == 1 and kind == "employer" and p_index == 0:
                    key["employer"] = u
    Unit.objects.bulk_create(units)
    # SQLite's bulk_create returns no ids: fetch the units again by code.
    by_code = {u.code: u for u in Unit.objects.all()}
    return {k: by_code[v.code] for k, v in key.items()}, list(by_code.values())


@dataclass
class _Household:
    id: int
    community: Jurisdiction
    grid: Jurisdiction
    address: str


def _make_places(j: dict[str, list[Jurisdiction]], people: int, rects: dict[str, tuple]) -> list[_Household]:
    """Compounds → buildings → households, enough households for `people` at ~2.8 per household."""
    communities = j["communities"]
    grids_of: dict[int, list[Jurisdiction]] = {}
    for g in j["grids"]:
        assert g.parent_id is not None
        grids_of.setdefault(g.parent_id, []).append(g)
    per_community = math.ceil(people / len(communities) / PEOPLE_PER_HOUSEHOLD) or 1
    compounds_per = max(1, math.ceil(per_community / HOUSEHOLDS_PER_COMPOUND))
    per_building = max(1, math.ceil(per_community / compounds_per / BUILDINGS_PER_COMPOUND))
    next_id = first_free_id(Place)
    rows: list[tuple] = []
    households: list[_Household] = []
    rng = random.Random(2023)
    for c in communities:
        grids = grids_of[c.pk]
        remaining = per_community
        base = c.name.removesuffix("社区").removesuffix("村")
        for k in range(compounds_per):
            if remaining <= 0:
                break
            grid = grids[k % len(grids)]
            compound_id = next_id
            next_id += 1
            compound_name = (
                f"{base}{'小区' if c.kind == 'community' else '屯'}{k + 1}区" if compounds_per > 1 else f"{base}小区"
            )
            lon, lat = point_in(rects[grid.path], rng)
            rows.append((compound_id, "compound", compound_name, None, grid.pk, grid.path, lon, lat))
            for b in range(1, BUILDINGS_PER_COMPOUND + 1):
                if remaining <= 0:
                    break
                building_id = next_id
                next_id += 1
                rows.append((building_id, "building", f"{b}号楼", compound_id, grid.pk, grid.path, None, None))
                for h in range(1, per_building + 1):
                    if remaining <= 0:
                        break
                    unit_no, floor = (h - 1) % 2 + 1, (h - 1) // 2 + 1
                    name = f"{unit_no}单元{floor}{unit_no:02d}室"
                    rows.append((next_id, "household", name, building_id, grid.pk, grid.path, None, None))
                    households.append(_Household(next_id, c, grid, f"{compound_name}{b}号楼{name}"))
                    next_id += 1
                    remaining -= 1
    write_rows("registry_place", ["id", "kind", "name", "parent_id", "jurisdiction_id", "jpath", "lon", "lat"], rows)
    reset_sequences(Place)
    return households
