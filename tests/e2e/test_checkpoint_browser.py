from __future__ import annotations

import re

import pytest

from fangkong.core.ids import check_char
from fangkong.registry.models import RoleAssignment
from fangkong.screening.models import FollowUp
from fangkong.site.demo import seed_demo

from .picking import pick
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_arrival_from_high_risk_reaches_the_grid_worker(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=300)
    community_a = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    first17 = "310115198805060123"[:17]
    number = first17 + check_char(first17)

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "checkpoint_staff")
    page.goto(f"{live_server.url}/screening/checkpoints/")  # one checkpoint: straight to its form
    page.get_by_label(re.compile("证件号码")).fill(number)
    page.get_by_text(re.compile("平台未对该证件号码设限")).first.wait_for()  # the HTMX check answered
    page.get_by_label(re.compile("^姓名")).fill("赵来客")
    page.get_by_label(re.compile("来自")).fill("上海市浦东新区张江镇")
    pick(page, re.compile("目的社区"), community_a.name)
    page.get_by_label(re.compile("体温")).fill("36.7")
    page.get_by_role("button", name=re.compile("^登记$")).click()
    result = page.locator("#result")
    result.wait_for()
    assert "送集中隔离" in result.inner_text()
    assert "上海市浦东新区" in result.inner_text()
    page.screenshot(path=str(screenshot_dir / "checkpoint-high-risk-arrival-phone.png"), full_page=True)
    case = FollowUp.objects.get(person__name="赵来客")
    assert case.community == community_a

    worker = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    wpage = worker.new_page()
    _login(wpage, live_server, "grid_worker_a")
    wpage.goto(f"{live_server.url}/screening/followups/")
    card = wpage.locator("li.case", has_text="赵来客")
    card.wait_for()
    assert "高风险" in card.inner_text()
    card.get_by_role("link", name="赵来客").click()
    wpage.get_by_role("button", name=re.compile("已联系到本人")).click()
    wpage.get_by_text(re.compile("已保存")).wait_for()
    wpage.screenshot(path=str(screenshot_dir / "grid-worker-case-phone.png"), full_page=True)
    case.refresh_from_db()
    assert case.contacted_at is not None
    phone.close()
    worker.close()
