"""The demo district: 兴隆台区 with its streets, 106 communities, 13 villages, grids, places, units, people and
demo users. Deterministic: the same --people gives the same district.

People are generated as rows with explicit ids and written with COPY on PostgreSQL (executemany on SQLite),
because 1.4 million ORM saves would take an hour and this must finish in minutes.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from fangkong.core import clock, memo, pii
from fangkong.core.audit import audit_record
from fangkong.core.bulk import write_rows
from fangkong.core.ids import DocType, check_char

from . import demo_names as names
from .models import ImportJob, Jurisdiction, Person, PersonTag, Place, RoleAssignment, Unit

PEOPLE_PER_HOUSEHOLD = 2.8
HOUSEHOLDS_PER_COMPOUND = 400
BUILDINGS_PER_COMPOUND = 10
BIRTH_FIRST = date(1938, 1, 1)
BIRTH_LAST = date(2023, 12, 31)

DEMO_USERS = [
    # username, role, where (a key into the seeded objects), description
    ("hq_admin", "hq_admin", "district", "district HQ — sees everything"),
    ("hq_deputy", "hq_admin", "district", "district HQ, second officer (the other person of two-person decisions)"),
    ("street_officer", "street_officer", "street_a", "新工街道 street office"),
    ("grid_worker_a", "community_worker", "community_a", "community A (新工街道)"),
    ("grid_worker_b", "community_worker", "community_b", "community B (振兴街道)"),
    ("checkpoint_staff", "checkpoint_staff", "checkpoint", "an entry-road checkpoint"),
    ("sampler", "sampler", "hospital", "sampling team of the district hospital"),
    ("lab_staff", "lab_staff", "lab", "the testing laboratory"),
    ("clinic_staff", "clinic_staff", "clinic", "a community clinic"),
    ("safety_regulator", "safety_regulator", "dept_emergency", "区应急管理局 (work safety)"),
    ("enterprise_officer", "enterprise_officer", "enterprise", "one enterprise"),
    ("employer_hr", "employer_hr", "employer", "HR of an employer (files staff's travel reports)"),
    ("market_regulator", "market_regulator", "dept_market", "区市场监督管理局: price gouging and hoarding reports"),
    ("editor", "portal_editor", "dept_publicity", "区委宣传部: drafts news and notices for the portal"),
    ("reviewer", "portal_reviewer", "dept_publicity", "区委宣传部: approves and publishes them"),
    ("unit_leader", "unit_leader", "dept_housing", "leader of 区住建局 (approves officials' trips)"),
    (
        "discipline_inspector",
        "discipline_inspector",
        "dept_discipline",
        "区纪委监委 (pass-without-registration records)",
    ),
]


class AlreadySeeded(Exception):
    pass


@dataclass
class SeedReport:
    people: int = 0
    households: int = 0
    communities: int = 0
    villages: int = 0
    grids: int = 0
    units: int = 0
    seconds: float = 0.0
    users: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- writing rows fast


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
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


def _make_units(j: dict[str, list[Jurisdiction]]) -> tuple[dict[str, Unit], list[Unit]]:
    """All units, and the ones demo users are bound to, by key."""
    district = j["district"][0]
    units: list[Unit] = []
    numbers = iter(range(1, 1_000_000))

    def unit(kind: str, name: str, where: Jurisdiction, dept: Unit | None = None) -> Unit:
        u = Unit(
            kind=kind,
            name=name,
            code=f"U{next(numbers):05d}",
            jurisdiction=where,
            jpath=where.path,
            supervising_department=dept,
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


def _make_places(j: dict[str, list[Jurisdiction]], people: int) -> list[_Household]:
    """Compounds → buildings → households, enough households for `people` at ~2.8 per household."""
    communities = j["communities"]
    grids_of: dict[int, list[Jurisdiction]] = {}
    for g in j["grids"]:
        assert g.parent_id is not None
        grids_of.setdefault(g.parent_id, []).append(g)
    per_community = math.ceil(people / len(communities) / PEOPLE_PER_HOUSEHOLD) or 1
    compounds_per = max(1, math.ceil(per_community / HOUSEHOLDS_PER_COMPOUND))
    per_building = max(1, math.ceil(per_community / compounds_per / BUILDINGS_PER_COMPOUND))
    next_id = _next_id(Place)
    rows: list[tuple] = []
    households: list[_Household] = []
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
            rows.append((compound_id, "compound", compound_name, None, grid.pk, grid.path))
            for b in range(1, BUILDINGS_PER_COMPOUND + 1):
                if remaining <= 0:
                    break
                building_id = next_id
                next_id += 1
                rows.append((building_id, "building", f"{b}号楼", compound_id, grid.pk, grid.path))
                for h in range(1, per_building + 1):
                    if remaining <= 0:
                        break
                    unit_no, floor = (h - 1) % 2 + 1, (h - 1) // 2 + 1
                    name = f"{unit_no}单元{floor}{unit_no:02d}室"
                    rows.append((next_id, "household", name, building_id, grid.pk, grid.path))
                    households.append(_Household(next_id, c, grid, f"{compound_name}{b}号楼{name}"))
                    next_id += 1
                    remaining -= 1
    write_rows("registry_place", ["id", "kind", "name", "parent_id", "jurisdiction_id", "jpath"], rows)
    _reset_sequences(Place)
    return households


# ---------------------------------------------------------------- people


def _birth_dates() -> list[date]:
    days = (BIRTH_LAST - BIRTH_FIRST).days + 1
    return [BIRTH_FIRST + timedelta(days=d) for d in range(days)]


def _person_rows(
    n: int,
    households: list[_Household],
    units: list[Unit],
    start_id: int,
    rng: random.Random,
    tags_out: list[tuple[int, str]],
) -> Iterator[tuple]:
    """Rows of registry_person. Resident ID numbers are unique by construction: person i gets birth date
    (r·P mod D) and sequence 2k+sex for i = k·D + r, with P prime to D."""
    dates = _birth_dates()
    n_dates = len(dates)
    stride = 7919 if n_dates % 7919 else 7927
    date_strings = [d.strftime("%Y%m%d") for d in dates]
    area = names.DISTRICT[0]
    today = clock.now().date()
    schools = [u for u in units if u.kind == "school"]
    workplaces = [u for u in units if u.kind in ("employer", "enterprise")]
    departments = [u for u in units if u.kind == "department"]
    surnames = names.SURNAMES
    encrypt, lookup = pii.encrypt, pii.lookup_hash
    now = clock.now()
    hh_index, hh_left = 0, 0
    household = households[0]
    for i in range(n):
        if hh_left <= 0 and hh_index < len(households):
            household = households[hh_index]
            hh_index += 1
            hh_left = rng.randint(1, 5)
        hh_left -= 1
        k, r = divmod(i, n_dates)
        d_index = (r * stride) % n_dates
        male = rng.random() < 0.51
        seq = f"{(2 * k + (1 if male else 0)) % 1000:03d}"
        first17 = area + date_strings[d_index] + seq
        number = first17 + check_char(first17)
        birth = dates[d_index]
        age = today.year - birth.year
        given = names.GIVEN_MALE if male else names.GIVEN_FEMALE
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
        pid = start_id + i
        phone = ""
        if age >= 14 and rng.random() < 0.95:
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        unit_id = None
        if 6 <= age <= 18:
            unit_id = schools[pid % len(schools)].pk
            tags_out.append((pid, "student"))
        elif 19 <= age <= 22 and rng.random() < 0.5:
            tags_out.append((pid, "student"))
        elif 23 <= age <= 60:
            roll = rng.random()
            if roll < 0.02:
                unit_id = departments[pid % len(departments)].pk
                tags_out.append((pid, "public_official"))
            elif roll < 0.6:
                unit_id = workplaces[pid % len(workplaces)].pk
        elif age >= 75 and rng.random() < 0.05:
            tags_out.append((pid, "elderly_alone" if rng.random() < 0.8 else "bedridden"))
        if rng.random() < 0.005:
            tags_out.append((pid, "key_population"))
        yield (
            pid,
            name,
            DocType.RESIDENT_ID,
            encrypt(number),
            lookup(number),
            encrypt(phone) if phone else None,
            lookup(phone) if phone else "",
            "M" if male else "F",
            birth,
            household.community.pk,
            household.grid.pk,
            household.grid.path,
            household.id,
            unit_id,
            household.address,
            True,
            now,
            now,
        )


PERSON_COLUMNS = [
    "id",
    "name",
    "doc_type",
    "doc_cipher",
    "doc_hash",
    "phone_cipher",
    "phone_hash",
    "sex",
    "birth_date",
    "community_id",
    "jurisdiction_id",
    "jpath",
    "household_id",
    "unit_id",
    "address",
    "is_resident",
    "created_at",
    "updated_at",
]


def _make_people(
    n: int, households: list[_Household], units: list[Unit], progress: Callable[[int], None] | None
) -> int:
    rng = random.Random(20220501)
    tags: list[tuple[int, str]] = []
    start_id = _next_id(Person)

    def counted() -> Iterator[tuple]:
        for i, row in enumerate(_person_rows(n, households, units, start_id, rng, tags), start=1):
            if progress and i % 100_000 == 0:
                progress(i)
            yield row

    written = write_rows("registry_person", PERSON_COLUMNS, counted())
    write_rows("registry_persontag", ["person_id", "tag"], tags)
    _reset_sequences(Person, PersonTag)
    return written


# ---------------------------------------------------------------- users


def _make_users(key: dict, j: dict[str, list[Jurisdiction]]) -> list[tuple[str, str]]:
    User = get_user_model()
    password = make_password(str(settings.FANGKONG["DEMO_PASSWORD"]))  # hashed once: ten users, one slow hash
    streets = j["streets"]
    communities = j["communities"]
    where = {
        "district": j["district"][0],
        "street_a": streets[0],
        "community_a": next(c for c in communities if c.parent_id == streets[0].pk),
        "community_b": next(c for c in communities if c.parent_id == streets[1].pk),
        **key,
    }
    out = []
    for username, role, place, description in DEMO_USERS:
        user, _ = User.objects.update_or_create(username=username, defaults={"password": password, "is_active": True})
        user.roles.all().delete()
        target = where[place]
        if isinstance(target, Jurisdiction):
            RoleAssignment.objects.create(user=user, role=role, jurisdiction=target)
            out.append((username, f"{description}: {target.name}"))
        else:
            RoleAssignment.objects.create(user=user, role=role, unit=target)
            out.append((username, f"{description}: {target.name}"))
    return out


def _wipe() -> None:
    RoleAssignment.objects.all().delete()
    ImportJob.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred; TRUNCATE refuses to run while checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "TRUNCATE registry_persontag, registry_person, registry_place, registry_unit, "
                "registry_jurisdiction RESTART IDENTITY CASCADE"
            )
        return
    PersonTag.objects.all().delete()
    Person.objects.all().delete()
    # Places and units reference themselves; delete children before parents.
    for kind in ("household", "building", "compound"):
        Place.objects.filter(kind=kind).delete()
    Unit.objects.exclude(kind="department").delete()
    Unit.objects.all().delete()
    for level in ("grid", "community", "street", "district"):
        Jurisdiction.objects.filter(level=level).delete()


def seed_demo(*, people: int, fresh: bool = False, progress: Callable[[str], None] | None = None) -> SeedReport:
    """The registry's part of the demo (fangkong.site.demo runs every module's part in one transaction)."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    report = SeedReport()
    with transaction.atomic():
        if Jurisdiction.objects.exists():
            if not fresh:
                raise AlreadySeeded("the district is already seeded; pass --fresh to replace it")
            say("removing the previous demo district")
            _wipe()
        memo.clear_all()  # memoised jurisdictions of an earlier district are gone
        j = _make_jurisdictions()
        key, units = _make_units(j)
        report.communities = sum(1 for c in j["communities"] if c.kind == "community")
        report.villages = sum(1 for c in j["communities"] if c.kind == "village")
        report.grids = len(j["grids"])
        report.units = len(units)
        say(f"{report.communities} communities, {report.villages} villages, {report.grids} grids, {report.units} units")
        households = _make_places(j, people)
        report.households = len(households)
        say(f"{report.households} households; generating {people} residents")
        report.people = _make_people(people, households, units, lambda i: say(f"  {i} residents"))
        report.users = _make_users(key, j)
        audit_record(
            actor=None,
            action="demo.seed",
            object_type="registry.district",
            object_repr=names.DISTRICT[1],
            fields={"people": report.people, "fresh": fresh},
        )
    report.seconds = time.perf_counter() - started
    return report


def analyse(tables: list[str]) -> None:
    """Fresh statistics and visibility map after a bulk load, so the first pages use their indexes.
    VACUUM cannot run inside a transaction (as in tests); ANALYZE can."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")
