"""The district's shape: streets, communities, villages and grids; units; compounds, buildings and households."""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass

from stdnum.cn import uscc

from .. import demo_names as names
from .. import tree
from ..geo import point_in
from ..models import Jurisdiction, Place, Unit
from ..places import places_import
from ..units import units_import
from .common import (
    BUILDINGS_PER_COMPOUND,
    HOUSEHOLDS_PER_COMPOUND,
    PEOPLE_PER_HOUSEHOLD,
)

# ---------------------------------------------------------------- the district
#
# The tree and the units are made the way a district's administrator makes them: a sheet of rows given to the same
# import services (registry.tree, registry.units), with the statistical division codes a real district uses —
# 211103001000 for the first street, 211103001001 for its first community, 211103001201 for its first village —
# and the district's own codes for grids. The checkpoints' posts in screening come from the units sheet too.

PLACES_PER_FILE = 200_000  # rows per places sheet the seed imports (under core.tables' TABLE_MAX_ROWS)


def _sheet(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _imported(result, what: str) -> None:
    """The demo's sheets are ours: a rejected row is a bug in the demo, not a user's mistake to show."""
    if result.rejected:
        raise RuntimeError(f"the demo's {what} sheet was refused: {result.rejected[:3]}")


def _make_jurisdictions(admin) -> dict[str, list[Jurisdiction]]:
    code, _name = names.DISTRICT
    words = iter(names.COMMUNITY_WORDS)
    numerals = "一二三四五六七八九十"
    rows: list[list] = []
    n_community = 0
    for s_index, (s_name, s_kind, n_comm, villages) in enumerate(names.STREETS, start=1):
        street = f"{code}{s_index:03d}000"
        rows.append([street, s_name, "镇" if s_kind == "town" else "街道", code])
        entries = [(f"{next(words)}社区", "社区", c) for c in range(1, n_comm + 1)]
        entries += [(v, "村", 200 + v_index) for v_index, v in enumerate(villages, start=1)]
        for c_name, c_level, number in entries:
            community = f"{street[:9]}{number:03d}"
            rows.append([community, c_name, c_level, street])
            for g in range(1, 4 + n_community % 5 + 1):
                rows.append([f"{community}{g:02d}", f"第{numerals[g - 1]}网格", "网格", community])
            n_community += 1
    _imported(
        tree.jurisdictions_import(
            actor=admin,
            filename="demo-jurisdictions.csv",
            content=_sheet(["code", "name", "level", "parent_code"], rows),
        ),
        "jurisdictions",
    )
    by_level = {
        level: list(Jurisdiction.objects.filter(level=level).order_by("path"))
        for level in ("district", "street", "community", "grid")
    }
    return {
        "district": by_level["district"],
        "streets": by_level["street"],
        "communities": by_level["community"],
        "grids": by_level["grid"],
    }


def _uscc(n: int) -> str:
    """A unified social credit code of the demo's (enterprise, registered in 211103), with its check digit."""
    body = f"91{names.DISTRICT[0]}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def _make_units(admin, j: dict[str, list[Jurisdiction]], rects: dict[str, tuple]) -> tuple[dict[str, Unit], list[Unit]]:
    """All units, and the ones demo users are bound to, by key; each at a point inside its jurisdiction (a
    checkpoint, on an entry road at the district's edge, kept by the first street with the police)."""
    district = j["district"][0]
    rows: list[list] = []
    numbers = iter(range(1, 1_000_000))
    rng = random.Random(2022)

    def unit(
        kind: str, name: str, where: Jurisdiction, dept: str = "", address: str = "", near=None, extra=("", "")
    ) -> str:
        lon, lat = point_in(rects[(near or where).path], rng)
        if kind == "checkpoint":  # on an entry road at the district's edge
            west, _south, east, _north = rects[(near or where).path]
            lon = round(rng.choice((west + 0.004, east - 0.004)), 6)
        code = f"U{next(numbers):05d}"
        credit = _uscc(len(rows) + 1) if kind == "enterprise" else ""
        rows.append([kind, code, name, where.code, dept, credit, address, lon, lat, *extra])
        return code

    depts = {key: unit("department", name, district) for name, key in names.DEPARTMENTS}
    key = {
        "dept_emergency": depts["emergency"],
        "dept_housing": depts["housing"],
        "dept_discipline": depts["discipline"],
        "dept_publicity": depts["publicity"],
        "dept_market": depts["market"],
        "dept_transport": depts["transport"],
        "dept_commerce": depts["commerce"],
        "hospital": unit("clinic", "兴隆台区人民医院", district, depts["health"]),
        "lab": unit("lab", "兴隆台区核酸检测实验室", district, depts["health"]),
    }
    # Where the transfer form sends people: central isolation sites and the designated hospital, with their beds.
    for name, beds, site_kind in names.ISOLATION_SITES:
        unit("isolation", name, district, depts["health"], extra=(beds, site_kind))
    for name, location in names.CHECKPOINTS:
        cp = unit("checkpoint", name, j["streets"][0], depts["police"], location, near=district)
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
                code = unit(kind, pattern.format(s=prefix, n=n * 10 + p_index), where, depts[dept])
                if n == 1 and p_index == 0 and kind in ("clinic", "enterprise", "employer", "school", "venue"):
                    key[kind] = code
    header = ["类型", "编码", "名称", "所在辖区", "主管部门", "统一社会信用代码", "地址", "经度", "纬度"]
    header += ["床位", "隔离点类型"]  # an isolation site's own columns (containment's unit extension)
    _imported(
        units_import(actor=admin, filename="demo-units.csv", content=_sheet(header, rows)),
        "units",
    )
    by_code = {u.code: u for u in Unit.objects.all()}
    return {k: by_code[code] for k, code in key.items()}, list(by_code.values())


@dataclass
class _Household:
    id: int
    community: Jurisdiction
    grid: Jurisdiction
    address: str


def _make_places(admin, j: dict[str, list[Jurisdiction]], people: int, rects: dict[str, tuple]) -> list[_Household]:
    """Compounds → buildings → households, enough households for `people` at ~2.8 per household: one sheet given
    to the places import (registry.places), a compound's row with its point, a household's with its address."""
    communities = j["communities"]
    grids_of: dict[int, list[Jurisdiction]] = {}
    for g in j["grids"]:
        assert g.parent_id is not None
        grids_of.setdefault(g.parent_id, []).append(g)
    per_community = math.ceil(people / len(communities) / PEOPLE_PER_HOUSEHOLD) or 1
    compounds_per = max(1, math.ceil(per_community / HOUSEHOLDS_PER_COMPOUND))
    per_building = max(1, math.ceil(per_community / compounds_per / BUILDINGS_PER_COMPOUND))
    rows: list[list] = []
    wanted: list[tuple[tuple[int, str, str, str], Jurisdiction, Jurisdiction, str]] = []
    rng = random.Random(2023)
    for c in communities:
        grids = grids_of[c.pk]
        remaining = per_community
        base = c.name.removesuffix("社区").removesuffix("村")
        for k in range(compounds_per):
            if remaining <= 0:
                break
            grid = grids[k % len(grids)]
            compound = (
                f"{base}{'小区' if c.kind == 'community' else '屯'}{k + 1}区" if compounds_per > 1 else f"{base}小区"
            )
            lon, lat = point_in(rects[grid.path], rng)
            rows.append([grid.code, compound, "", "", "", lon, lat])
            for b in range(1, BUILDINGS_PER_COMPOUND + 1):
                if remaining <= 0:
                    break
                for h in range(1, per_building + 1):
                    if remaining <= 0:
                        break
                    unit_no, floor = (h - 1) % 2 + 1, (h - 1) // 2 + 1
                    name, building = f"{unit_no}单元{floor}{unit_no:02d}室", f"{b}号楼"
                    address = f"{compound}{building}{name}"
                    rows.append([grid.code, compound, building, name, address, "", ""])
                    wanted.append(((grid.pk, compound, building, name), c, grid, address))
                    remaining -= 1
    header = ["网格", "小区", "楼栋", "户", "地址", "经度", "纬度"]
    # A city's households (about 500,000 for 1.4 million people) are more rows than one sheet may hold
    # (TABLE_MAX_ROWS): imported as a district would, in several files, each starting at a compound.
    chunk: list[list] = []
    for row in rows:
        if len(chunk) >= PLACES_PER_FILE and not row[2]:
            _imported(places_import(actor=admin, filename="demo-places.csv", content=_sheet(header, chunk)), "places")
            chunk = []
        chunk.append(row)
    _imported(places_import(actor=admin, filename="demo-places.csv", content=_sheet(header, chunk)), "places")
    households = Place.objects.filter(kind=Place.Kind.HOUSEHOLD).values_list(
        "jurisdiction_id", "parent__parent__name", "parent__name", "name", "pk"
    )
    ids = {(grid, compound, building, name): pk for grid, compound, building, name, pk in households}
    return [_Household(ids[key], c, grid, address) for key, c, grid, address in wanted]
