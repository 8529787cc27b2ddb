from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.registry.models import PersonTag, Unit
from fangkong.screening.models import Checkpoint, RiskArea


@dataclass
class Screening:
    cp1: Checkpoint
    cp2: Checkpoint
    staff1: object  # works at cp1
    staff2: object  # works at cp2
    employer: Unit
    hr: object  # HR of `employer`
    dept: Unit
    leader: object  # leader of `dept` (approves officials' trips)
    inspector: object  # discipline inspection
    high: RiskArea
    medium: RiskArea
    low: RiskArea


@pytest.fixture
def screening(district) -> Screening:
    d = district.d
    police = Unit.objects.create(kind="department", name="公安分局", code="D-POLICE", jurisdiction=d, jpath=d.path)

    def checkpoint(code: str, name: str) -> Checkpoint:
        unit = Unit.objects.create(
            kind="checkpoint", name=name, code=code, jurisdiction=district.s1, jpath=district.s1.path
        )
        return Checkpoint.objects.create(
            unit=unit, name=name, responsible_unit=police, jurisdiction=district.s1, jpath=district.s1.path
        )

    cp1, cp2 = checkpoint("CP1", "高速道口"), checkpoint("CP2", "国道道口")
    employer = Unit.objects.create(
        kind="employer", name="某公司", code="E1", jurisdiction=district.a, jpath=district.a.path
    )
    dept = Unit.objects.create(kind="department", name="区住建局", code="D-HOUSING", jurisdiction=d, jpath=d.path)
    discipline = Unit.objects.create(kind="department", name="区纪委监委", code="D-DISC", jurisdiction=d, jpath=d.path)
    now = clock.now()
    start = now - timedelta(days=1)
    return Screening(
        cp1=cp1,
        cp2=cp2,
        staff1=make_user("staff1", "checkpoint_staff", unit=cp1.unit),
        staff2=make_user("staff2", "checkpoint_staff", unit=cp2.unit),
        employer=employer,
        hr=make_user("hr", "employer_hr", unit=employer),
        dept=dept,
        leader=make_user("leader", "unit_leader", unit=dept),
        inspector=make_user("inspector", "discipline_inspector", unit=discipline),
        high=RiskArea.objects.create(
            name="上海市浦东新区", code="310115", level="high", valid_from=start, notice="沪防控〔2022〕1号"
        ),
        medium=RiskArea.objects.create(name="吉林省长春市", level="medium", valid_from=start),
        low=RiskArea.objects.create(
            name="沈阳市和平区", level="low", valid_from=start, valid_to=now + timedelta(days=30)
        ),
    )


def tag(person, tag_value: str = PersonTag.Tag.PUBLIC_OFFICIAL) -> None:
    PersonTag.objects.create(person=person, tag=tag_value)
