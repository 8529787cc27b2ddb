from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fangkong.core import clock
from fangkong.registry.models import RoleAssignment
from fangkong.safety.models import Hazard
from fangkong.site.demo import seed_demo

from .picking import draw_signature
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_major_hazard_found_rectified_accepted_closed(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=300)
    firm = RoleAssignment.objects.get(user__username="enterprise_officer").unit

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "safety_regulator")
    page.goto(f"{live_server.url}/safety/")
    page.get_by_label(re.compile("^企业$")).select_option(str(firm.pk))
    page.get_by_label(re.compile("^等级$")).select_option("major")
    page.get_by_label(re.compile("^描述$")).fill("液氨制冷机房泄漏报警装置失效")
    deadline = timezone.localtime(clock.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(re.compile("^整改期限$")).fill(deadline)
    page.get_by_role("button", name=re.compile("^记录$")).click()
    page.get_by_role("button", name="已登记").click()
    page.get_by_role("button", name="已下达整改").click()
    page.get_by_text(re.compile("已下达整改")).first.wait_for()
    hazard = Hazard.objects.get(description__startswith="液氨制冷机房")
    page.screenshot(path=str(screenshot_dir / "inspector-major-hazard-phone.png"), full_page=True)

    ent = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    epage = ent.new_page()
    _login(epage, live_server, "enterprise_officer")
    epage.goto(f"{live_server.url}/safety/hazards/{hazard.pk}/")
    five = {
        "responsibility": "厂长王某",
        "measures": "更换报警探头",
        "funds": "3万元",
        "time_limit": "5天",
        "contingency": "泄漏应急处置预案",
    }
    for key, value in five.items():
        epage.locator(f"#a-{key}").fill(value)
    epage.get_by_role("button", name="整改中").click()
    epage.get_by_role("button", name="已申请验收").wait_for()
    epage.get_by_role("button", name="已申请验收").click()
    epage.locator("h1 small", has_text="已申请验收").wait_for()
    # Re-inspection is the regulator's: the enterprise is not offered it.
    assert epage.get_by_role("button", name="复查验收合格").count() == 0

    page.goto(f"{live_server.url}/safety/hazards/{hazard.pk}/")
    page.get_by_role("button", name="复查验收合格").click()
    page.get_by_role("button", name="已销号").click()
    page.get_by_text(re.compile("已销号")).first.wait_for()
    hazard.refresh_from_db()
    assert hazard.state == "closed" and set(hazard.assurances) == set(five)
    page.screenshot(path=str(screenshot_dir / "regulator-closes-hazard-phone.png"), full_page=True)
    for ctx in (phone, ent):
        ctx.close()


def test_inspector_signs_on_a_phone_and_the_enterprise_reports_an_accident(
    browser, live_server, transactional_db, screenshot_dir
):
    from fangkong.safety.models import Accident, Inspection

    seed_demo(people=300)
    firm = RoleAssignment.objects.get(user__username="enterprise_officer").unit
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "safety_regulator")
    page.goto(f"{live_server.url}/safety/inspections/new/")
    page.locator("select[name=enterprise_id]").select_option(str(firm.pk))
    # The checklists offered are the chosen enterprise's (swapped in without leaving the page).
    page.locator("#checklist-choice strong", has_text=firm.name).wait_for()
    page.locator("form.card button.primary").click()
    page.locator("canvas.signature-pad").wait_for()  # the pad is there from the start of the walk
    page.locator("input[type=radio][value=fail]").first.check()
    page.locator("input[name^=note-]").first.fill("应急预案未演练")
    # Each section in one tap: the item found failing stays failed, the others pass.
    for n in range(page.locator("button[name=pass_section]").count()):
        with page.expect_navigation():
            page.locator("button[name=pass_section]").nth(n).click()
    page.screenshot(path=str(screenshot_dir / "inspection-walk-phone.png"), full_page=True)
    page.get_by_role("button", name="检查签字").click()  # nothing drawn: refused
    page.get_by_role("alert").wait_for()
    draw_signature(page)
    page.get_by_role("button", name="检查签字").click()
    page.locator("img.signature").wait_for()
    inspection = Inspection.objects.latest("pk")  # the demo has one already
    assert inspection.enterprise == firm and inspection.signed_at is not None and inspection.signature
    assert inspection.results.filter(passed=False).count() == 1
    page.screenshot(path=str(screenshot_dir / "inspection-signed-phone.png"), full_page=True)

    ent = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    epage = ent.new_page()
    _login(epage, live_server, "enterprise_officer")
    epage.goto(f"{live_server.url}/safety/accidents/")
    occurred = timezone.localtime(clock.now() - timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
    epage.get_by_label("发生时间", exact=True).fill(occurred)
    epage.get_by_label("类别").select_option("fall")
    epage.get_by_label("重伤").fill("1")
    epage.get_by_label(re.compile("^事故经过")).fill("脚手架高处坠落一人，已送医")
    epage.locator("form button.primary").click()
    epage.get_by_text(re.compile("下次报告")).first.wait_for()
    accident = Accident.objects.latest("pk")  # the demo has one already
    assert accident.serious_injuries == 1 and accident.incident.level.code == "IV"
    epage.screenshot(path=str(screenshot_dir / "accident-initial-report-phone.png"), full_page=True)
    for ctx in (phone, ent):
        ctx.close()
