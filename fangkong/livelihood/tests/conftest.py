"""Livelihood personas: a resident signed in on the portal (person_a's phone), a second HQ officer to approve
zones, the market regulator."""

from __future__ import annotations

import pytest

from fangkong.conftest import make_user, sign_in_resident
from fangkong.registry.models import Unit

PHONE = "13912345678"  # person_a's, in community A


@pytest.fixture
def resident(district):
    return sign_in_resident(PHONE)


@pytest.fixture
def seal(district):
    """seal(jurisdiction) → a sealed zone over it, proposed by HQ and approved by a second officer."""
    from fangkong.containment.zones import zone_approve, zone_request

    hq2 = make_user("hq2", "hq_admin", jurisdiction=district.d)

    def run(jurisdiction, level="sealed"):
        zone = zone_request(
            actor=district.hq, name="封控区", level=level, basis="确诊病例所在网格", jurisdictions=[jurisdiction.pk]
        )
        return zone_approve(actor=hq2, zone_id=zone.pk)

    return run


@pytest.fixture
def market(district):
    dept = Unit.objects.create(
        kind="department", name="区市场监督管理局", code="SJJ", jurisdiction=district.d, jpath=district.d.path
    )
    return make_user("market", "market_regulator", unit=dept)
