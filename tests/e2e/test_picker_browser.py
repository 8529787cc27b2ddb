"""A long list of choices on a phone: HQ sends a directive to every street with one tap, finds a department by
typing part of its name, and the count says what is chosen (core/static/fangkong/picker.js)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from fangkong.command.models import Directive
from fangkong.registry.models import Jurisdiction
from fangkong.site.demo import seed_demo

from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_all_streets_in_one_tap_and_a_community_by_typing(browser, live_server, transactional_db, screenshot_dir):
    with translation.override("zh-hans"):
        seed_demo(people=300)
    streets = Jurisdiction.objects.filter(level="street").count()
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/command/directives/")
    search = page.get_by_label(re.compile("^发往$"))
    assert search.get_attribute("type") == "search"  # the long list became a picker
    picker = page.locator(".picker")
    streets_group = picker.locator("fieldset.picker-group", has=page.locator("legend", has_text="街道"))
    streets_group.get_by_role("button", name="本组全选").click()
    assert picker.locator(".picker-count").inner_text() == f"已选 {streets} 项"
    search.fill("应急")
    shown = picker.locator(".picker-option:not([hidden])")
    assert shown.count() >= 1 and all("应急" in t for t in shown.all_inner_texts())
    shown.first.locator("input").check()
    assert picker.locator(".picker-count").inner_text() == f"已选 {streets + 1} 项"
    page.screenshot(path=str(screenshot_dir / "picker-directive-recipients-phone.png"), full_page=False)
    search.fill("")
    page.get_by_label(re.compile("^标题$")).fill("全区各街道落实值班制度")
    page.get_by_label(re.compile("^截止时间$")).fill("2030-01-01T12:00")
    page.get_by_role("button", name=re.compile("^下发$")).click()
    page.get_by_text(re.compile(f"已向 {streets + 1} 个接收方下发")).wait_for()
    assert Directive.objects.get(title="全区各街道落实值班制度").tasks.count() == streets + 1
    phone.close()
