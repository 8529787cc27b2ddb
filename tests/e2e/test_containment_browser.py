from __future__ import annotations

import re

import pytest

from fangkong.core import pii
from fangkong.core.sms import LogChannel
from fangkong.registry.models import Person, Place, RoleAssignment
from fangkong.site.demo import seed_demo

from .picking import pick
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_sealed_by_two_people_red_for_the_resident_and_at_the_checkpoint(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=2000)
    community_b = RoleAssignment.objects.get(user__username="grid_worker_b").jurisdiction
    compound = Place.objects.filter(kind="compound", jpath__startswith=community_b.path).order_by("pk").first()
    resident = (
        Person.objects.filter(household__parent__parent=compound, is_resident=True, phone_cipher__isnull=False)
        .order_by("pk")
        .first()
    )
    assert compound is not None and resident is not None
    phone_number = pii.decrypt(resident.phone_cipher)
    assert Person.objects.filter(phone_hash=resident.phone_hash).count() == 1

    hq = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = hq.new_page()
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/containment/zones/")
    page.get_by_label(re.compile("^名称$")).fill(f"{compound.name}封控区")
    page.get_by_label(re.compile("^等级$")).select_option("sealed")
    pick(page, re.compile("^小区$"), compound.name)
    page.get_by_label(re.compile("决定依据")).fill("小区内发现确诊病例，经研判划为封控区")
    page.get_by_label(re.compile("^文号$")).fill("兴疫指〔2022〕99号")
    page.get_by_role("button", name=re.compile("^提出$")).click()
    page.get_by_text(re.compile("须由第二人批准")).wait_for()
    assert page.get_by_role("button", name=re.compile("批准")).count() == 0  # not for the proposer
    zone_url = page.url

    deputy = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    dpage = deputy.new_page()
    _login(dpage, live_server, "hq_deputy")
    dpage.goto(zone_url)
    dpage.get_by_role("button", name=re.compile("批准：立即生效")).click()
    dpage.get_by_text(re.compile("区域已批准")).wait_for()
    dpage.screenshot(path=str(screenshot_dir / "zone-approved-by-second-officer.png"), full_page=True)

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    rpage = phone.new_page()
    LogChannel.sent.clear()
    rpage.goto(f"{live_server.url}/me/login/")
    rpage.get_by_label(re.compile("手机号")).fill(phone_number)
    rpage.get_by_role("button", name=re.compile("获取验证码")).click()
    rpage.get_by_label(re.compile("^验证码$")).wait_for()
    code = re.search(r"\d{6}", LogChannel.sent[-1][1]).group(0)  # type: ignore[union-attr]
    rpage.get_by_label(re.compile("^验证码$")).fill(code)
    rpage.get_by_role("button", name=re.compile("^登录$")).click()
    card = rpage.locator(".status-card").first
    card.wait_for()
    text = card.inner_text()
    assert "红" in text and f"居住在封控区“{compound.name}封控区”" in text
    rpage.screenshot(path=str(screenshot_dir / "resident-red-with-reason-phone.png"), full_page=True)

    checkpoint = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    cpage = checkpoint.new_page()
    _login(cpage, live_server, "checkpoint_staff")
    cpage.goto(f"{live_server.url}/screening/checkpoints/")
    cpage.get_by_label(re.compile("证件号码")).fill(pii.decrypt(resident.doc_cipher))
    verdict = cpage.locator(".signal-stop")
    verdict.wait_for()
    assert "禁止通行" in verdict.inner_text() and compound.name in verdict.inner_text()
    cpage.screenshot(path=str(screenshot_dir / "checkpoint-scan-red-phone.png"), full_page=True)
    for ctx in (hq, deputy, phone, checkpoint):
        ctx.close()
