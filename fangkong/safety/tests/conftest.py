"""Work-safety test personas: two enterprises in communities A and B, the emergency bureau supervising the first
directly, the market regulator supervising the second's industry; a regulator and each enterprise's officer."""

from __future__ import annotations

import pytest

from fangkong.conftest import make_user
from fangkong.registry.models import Unit
from fangkong.safety.models import EnterpriseProfile, IndustryDepartment, Licence


@pytest.fixture
def safety(district):
    emergency = Unit.objects.create(
        kind="department", name="区应急管理局", code="YJ", jurisdiction=district.d, jpath=district.d.path
    )
    market = Unit.objects.create(
        kind="department", name="区市场监管局", code="SJ", jurisdiction=district.d, jpath=district.d.path
    )
    plant = Unit.objects.create(
        kind="enterprise",
        name="兴隆化工",
        code="E1",
        jurisdiction=district.a,
        jpath=district.a.path,
        supervising_department=emergency,
    )
    other = Unit.objects.create(
        kind="enterprise", name="胜利食品", code="E2", jurisdiction=district.b, jpath=district.b.path
    )
    EnterpriseProfile.objects.create(unit=plant, industry="危险化学品", principal="张某")
    EnterpriseProfile.objects.create(unit=other, industry="食品")
    IndustryDepartment.objects.create(industry="食品", department=market)
    Licence.objects.create(enterprise=plant, kind="危险化学品经营许可证", approved_by=emergency)
    return {
        "plant": plant,
        "other": other,
        "regulator": make_user("reg", "safety_regulator", unit=emergency),
        "officer": make_user("officer", "enterprise_officer", unit=plant),
        "other_officer": make_user("officer2", "enterprise_officer", unit=other),
    }
