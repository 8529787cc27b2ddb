"""Livelihood personas: a resident signed in on the portal (person_a's phone), a second HQ officer to approve
zones, the market regulator."""

from __future__ import annotations

import re

import pytest
from django.test import Client, TestCase

from fangkong.conftest import make_user
from fangkong.core.sms import LogChannel
from fangkong.registry.models import Unit

PHONE = "13912345678"  # person_a's, in community A


@pytest.fixture
def resident(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    LogChannel.sent.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the text message leaves after the commit
        c.post("/me/login/", {"phone": PHONE})
    code = re.search(r"\d{6}", LogChannel.sent[-1][1]).group(0)  # type: ignore[union-attr]
    assert c.post("/me/login/", {"phone": PHONE, "code": code}).status_code == 302
    return c


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
