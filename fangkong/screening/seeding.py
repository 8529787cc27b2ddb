"""The screening side of the demo district: checkpoints with today's shifts, risk areas, and a day of arrivals
(some from risk areas, one already past its contact limit) so every page has something true to show."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.core import clock, memo
from fangkong.core.ids import check_char
from fangkong.registry.models import Jurisdiction, RoleAssignment

from .models import (
    ArrivalCount,
    Checkpoint,
    FollowUp,
    FollowUpTest,
    Passage,
    PassRequest,
    RiskArea,
    Shift,
    TravelReport,
    Violation,
)
from .passages import PassageInput, passage_register

AREAS = [
    ("上海市浦东新区", "310115", "high", "沪疫情防控〔2022〕15号"),
    ("吉林省长春市", "220100", "medium", "吉防指〔2022〕8号"),
    ("沈阳市和平区", "210102", "low", "沈防指〔2022〕21号"),
]
ORIGINS = [
    "辽宁省盘锦市大洼区",
    "辽宁省鞍山市",
    "上海市浦东新区",
    "吉林省长春市",
    "沈阳市和平区",
    "北京市海淀区",
    "辽宁省营口市",
]


def wipe() -> None:
    for model in (Violation, FollowUpTest, FollowUp, Passage, PassRequest, TravelReport, Shift, Checkpoint, RiskArea):
        model.objects.all().delete()
    ArrivalCount.objects.all().delete()  # counted from the passages just deleted: kept, a re-seed's day read double
    memo.clear_all()  # memoised risk areas and protocol rows are gone with the data


def seed(*, progress=lambda message: None) -> dict:
    # The checkpoints' posts were made with their units, from the demo's units sheet (registry.units, the
    # screening extension): the police responsible, kept by the first street.
    checkpoints = list(Checkpoint.objects.select_related("unit").order_by("unit__code"))
    assert checkpoints, "the registry's demo district comes first"
    now = clock.now()
    for area_name, code, level, notice in AREAS:
        RiskArea.objects.create(
            name=area_name, code=code, level=level, notice=notice, valid_from=now - timedelta(days=3)
        )
    memo.clear_all()
    staff = RoleAssignment.objects.filter(role="checkpoint_staff").select_related("user").first()
    day_start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=now.hour % 8)
    for cp in checkpoints:
        shift = Shift.objects.create(
            checkpoint=cp,
            starts_at=day_start,
            ends_at=day_start + timedelta(hours=8),
            leader=staff.user if staff and staff.unit_id == cp.unit_id else None,
        )
        if staff and staff.unit_id == cp.unit_id:
            shift.staff.set([staff.user])
    hq = get_user_model().objects.get(username="hq_admin")
    arrivals = _arrivals(hq, checkpoints, now)
    progress(f"{len(checkpoints)} checkpoints, {len(AREAS)} risk areas, {arrivals} sample arrivals")
    return {"checkpoints": len(checkpoints), "arrivals": arrivals}


def _arrivals(actor, checkpoints: list[Checkpoint], now) -> int:
    """A day's worth of arrivals: mostly ordinary, some from risk areas into community A (the demo grid worker's),
    one of them already past its two-hour contact limit."""
    rng = random.Random(2022)
    community_a = (
        RoleAssignment.objects.filter(role="community_worker", user__username="grid_worker_a")
        .values_list("jurisdiction", flat=True)
        .first()
    )
    communities = list(Jurisdiction.objects.filter(level="community").values_list("pk", flat=True))
    count = 0
    for i in range(40):
        origin = ORIGINS[i % len(ORIGINS)]
        destination = community_a if i % 4 == 0 and community_a else rng.choice(communities)
        first17 = f"310115{1960 + i % 40:04d}{1 + i % 12:02d}{1 + i % 28:02d}{100 + i:03d}"
        passage_register(
            actor=actor,
            checkpoint_id=checkpoints[i % len(checkpoints)].pk,
            data=PassageInput(
                direction="in",
                document_number=first17 + check_char(first17),
                name=f"{'王李张刘陈'[i % 5]}{'某甲乙丙丁'[i % 5]}",
                origin=origin,
                destination_community=destination,
                temperature=36 + rng.randint(1, 9) / 10,
                status_code="green",
                plate=f"辽L{10000 + i}",
                occurred_at=now - timedelta(minutes=20 + 30 * (40 - i)),
            ),
        )
        count += 1
    return count
