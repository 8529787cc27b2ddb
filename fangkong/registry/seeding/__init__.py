"""The demo district: 兴隆台区 with its streets, 106 communities, 13 villages, grids, places, units, people and
demo users. Deterministic: the same --people gives the same district.

The district is set up the way a real one is, through the same services: `setup` makes its root and its first
administrator (hq_admin), who imports the tree, the units (the checkpoints' posts with them) and the places from
sheets and makes the staff accounts and their roles — the seed calls what an administrator calls, so the two paths
stay one. People are generated as rows with explicit ids and written with COPY on PostgreSQL (executemany on
SQLite), because 1.4 million ORM saves would take an hour and this must finish in minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from fangkong.core import memo
from fangkong.core.audit import audit_record
from fangkong.core.models import AccountState

from .. import demo_names as names
from .. import staff
from ..counts import residents_rebuild
from ..geo import demo_draw
from ..models import ImportJob, Jurisdiction, Person, PersonTag, Place, RoleAssignment, StaffProfile, Unit
from ..setup import district_setup
from .district import _make_jurisdictions, _make_places, _make_units
from .people import _make_people

DEMO_USERS = [
    # username, role, where (a key into the seeded objects), description
    ("hq_admin", "hq_admin", "district", "district HQ — sees everything"),
    ("hq_deputy", "hq_admin", "district", "district HQ, second officer (the other person of two-person decisions)"),
    ("street_officer", "street_officer", "street_a", "新工街道 street office"),
    ("grid_worker_a", "community_worker", "community_a", "community A (新工街道)"),
    ("grid_worker_b", "community_worker", "community_b", "community B (振兴街道)"),
    ("checkpoint_staff", "checkpoint_staff", "checkpoint", "an entry-road checkpoint"),
    ("venue_staff", "venue_staff", "venue", "a supermarket's door: scans visitors' personal codes"),
    ("sampler", "sampler", "hospital", "sampling team of the district hospital"),
    ("lab_staff", "lab_staff", "lab", "the testing laboratory"),
    ("clinic_staff", "clinic_staff", "clinic", "a community clinic"),
    ("safety_regulator", "safety_regulator", "dept_emergency", "区应急管理局 (work safety)"),
    ("enterprise_officer", "enterprise_officer", "enterprise", "one enterprise"),
    ("employer_hr", "employer_hr", "employer", "HR of an employer (files staff's travel reports)"),
    ("market_regulator", "market_regulator", "dept_market", "区市场监督管理局: price gouging and hoarding reports"),
    ("transport_regulator", "transport_regulator", "dept_transport", "区交通运输局: logistics channel passes"),
    ("school_staff", "school_staff", "school", "a primary school: its students' trips and holiday plans"),
    ("place_inspector", "place_inspector", "dept_commerce", "区商务局: the key places it supervises"),
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


# The demo accounts' people (synthetic names): what the staff pages, rosters and histories show beside a user name.
DEMO_NAMES = {
    "hq_admin": "王建国",
    "hq_deputy": "李卫东",
    "street_officer": "张丽华",
    "grid_worker_a": "刘晓燕",
    "grid_worker_b": "陈志刚",
    "checkpoint_staff": "杨海涛",
    "venue_staff": "马丽",
    "sampler": "赵静",
    "lab_staff": "黄敏",
    "clinic_staff": "周桂英",
    "safety_regulator": "吴国强",
    "enterprise_officer": "徐磊",
    "employer_hr": "孙娜",
    "market_regulator": "胡军",
    "transport_regulator": "郑伟",
    "school_staff": "冯雪",
    "place_inspector": "曹阳",
    "editor": "朱婷",
    "reviewer": "高文斌",
    "unit_leader": "林峰",
    "discipline_inspector": "何平",
}


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


# ---------------------------------------------------------------- users


def _make_users(admin, key: dict, j: dict[str, list[Jurisdiction]]) -> list[tuple[str, str]]:
    """The demo's accounts, made and given their roles by the district's administrator through the staff
    services (registry.staff), as a real district's are. The demo's password is published, so it is not one to
    change at the first sign-in."""
    password = str(settings.FANGKONG["DEMO_PASSWORD"])
    encoded = make_password(password)  # hashed once: seventeen accounts, one slow hash
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
        target = where[place]
        home = target if isinstance(target, Jurisdiction) else target.jurisdiction
        if username == admin.username:
            user = admin  # made by the district's set-up, with its role
        else:
            user = staff.staff_create(
                actor=admin,
                username=username,
                full_name=DEMO_NAMES.get(username, username),
                password=password,
                encoded=encoded,
                jurisdiction_id=home.pk,
            ).user
            staff.role_grant(
                actor=admin,
                staff_id=user.pk,
                role=role,
                jurisdiction_id=target.pk if isinstance(target, Jurisdiction) else None,
                unit_id=None if isinstance(target, Jurisdiction) else target.pk,
            )
        out.append((username, f"{description}: {target.name}"))
    AccountState.objects.filter(user__username__in=[u for u, *_rest in DEMO_USERS]).update(must_change_password=False)
    return out


def _wipe() -> None:
    RoleAssignment.objects.all().delete()
    StaffProfile.objects.all().delete()
    # The previous demo's accounts are retired, never deleted (what they did may still be on record): renamed out
    # of the way and deactivated, so that the new district's administrator makes its own.
    for user in get_user_model().objects.filter(username__in=[u for u, *_rest in DEMO_USERS]):
        user.username, user.is_active = f"{user.username}~{user.pk}"[:150], False
        user.save(update_fields=["username", "is_active"])
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
        # What a real district does first (`fangkong setup`), then its administrator sets up the rest.
        admin = district_setup(
            code=names.DISTRICT[0],
            name=names.DISTRICT[1],
            admin_username=DEMO_USERS[0][0],
            admin_password=str(settings.FANGKONG["DEMO_PASSWORD"]),
        ).admin
        j = _make_jurisdictions(admin)
        rects = demo_draw()  # plausible outlines inside the real district's extent, for the hall's map
        key, units = _make_units(admin, j, rects)
        report.communities = sum(1 for c in j["communities"] if c.kind == "community")
        report.villages = sum(1 for c in j["communities"] if c.kind == "village")
        report.grids = len(j["grids"])
        report.units = len(units)
        say(f"{report.communities} communities, {report.villages} villages, {report.grids} grids, {report.units} units")
        households = _make_places(admin, j, people, rects)
        report.households = len(households)
        say(f"{report.households} households; generating {people} residents")
        report.people = _make_people(people, households, units, lambda i: say(f"  {i} residents"))
        residents_rebuild()  # written with COPY, past the register's services: the hall's counts from the rows
        report.users = _make_users(admin, key, j)
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
