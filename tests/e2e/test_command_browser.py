from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction
from fangkong.site.demo import seed_demo

from .picking import pick
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_directive_to_two_streets_one_done_one_overdue_in_red(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=500)
    streets = list(Jurisdiction.objects.filter(level="street").order_by("path")[:2])
    assert streets[0].name == "新工街道"  # street_officer's street

    hq = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = hq.new_page()
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/command/directives/")
    page.get_by_label(re.compile("^标题$")).fill("张贴封控公告并上报照片")
    page.get_by_label(re.compile("^工作要求$")).fill("今日内在各小区出入口张贴")
    deadline = timezone.localtime(clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(re.compile("^截止时间$")).fill(deadline)
    pick(page, re.compile("^发往$"), *[s.name for s in streets])
    page.get_by_role("button", name=re.compile("^下发$")).click()
    page.get_by_text(re.compile("已向 2 个接收方下发")).wait_for()
    directive_url = page.url

    street = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    spage = street.new_page()
    _login(spage, live_server, "street_officer")
    spage.goto(f"{live_server.url}/command/")
    spage.get_by_role("link", name="张贴封控公告并上报照片").click()
    spage.get_by_role("button", name=re.compile("^签收$")).click()
    spage.get_by_label(re.compile("已完成")).fill("已在全部小区张贴，照片见工作群")
    spage.get_by_role("button", name=re.compile("^办结$")).click()
    spage.get_by_text(re.compile("已保存")).wait_for()

    with clock.advanced(timedelta(hours=2)):  # the live server reads the same clock
        page.goto(directive_url)
        overdue = page.locator("tr.state-overdue")
        overdue.wait_for()
        assert overdue.count() == 1 and streets[1].name in overdue.inner_text()
        assert page.locator("tr.state-done").count() == 1
        page.screenshot(path=str(screenshot_dir / "hq-directive-one-overdue-red.png"), full_page=True)
    for ctx in (hq, street):
        ctx.close()


def test_the_demos_duty_week_and_daily_report_as_the_readme_says(
    browser, live_server, transactional_db, screenshot_dir
):
    """README: the district duty room is rostered for the week, hq_deputy leading today; 报表模板 asks the streets
    for a daily report. HQ puts an officer on tomorrow's shift from the roster page, by name from the staff list."""
    seed_demo(people=300)
    hq = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = hq.new_page()
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/command/duty/roster/")
    today = page.locator("section[id^=shift-]").first
    assert "hq_deputy" in today.inner_text() or "第二" in today.inner_text()
    tomorrow = page.locator("section[id^=shift-]").nth(1)
    tomorrow.get_by_label("排入本班次").fill("street_officer")
    tomorrow.get_by_role("button", name=re.compile("^添加$")).click()
    page.get_by_text(re.compile("已将 .* 排入该班次")).wait_for()
    page.screenshot(path=str(screenshot_dir / "hq-duty-roster-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/command/reports/templates/")
    page.get_by_text("疫情防控和安全生产日报").wait_for()
    assert "12 个填报单位" in page.content()
    hq.close()


def test_the_daily_report_reads_as_an_official_daily_with_its_trends_drawn(
    browser, live_server, transactional_db, screenshot_dir
):
    """Issue 18: the report's heading, its sections in sentences and tables, and each trend drawn by ECharts from
    the page's data under the Content-Security-Policy (no inline script), the server's SVG replaced."""
    from fangkong.command.models import SituationReport

    seed_demo(people=300)
    report = SituationReport.objects.get()  # the demo's 日报 第 1 期, compiled, approved and published
    hq = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = hq.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/command/situation/{report.pk}/")
    page.locator(".situation-chart-box.drawn canvas").first.wait_for()
    boxes = page.locator(".situation-chart-box")
    assert boxes.count() >= 1 and page.locator(".situation-chart-box.drawn").count() == boxes.count()
    assert page.locator(".situation-chart-box svg").count() == 0  # the server's drawing, replaced
    assert page.locator(".situation-section").count() == 10 and page.locator(".situation-text").count() >= 10
    assert not refused, refused
    page.screenshot(path=str(screenshot_dir / "hq-daily-situation-report.png"), full_page=True)
    hq.close()
