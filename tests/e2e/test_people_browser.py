from __future__ import annotations

import re

import pytest

from fangkong.registry.models import RoleAssignment
from fangkong.site.demo import seed_demo

pytestmark = pytest.mark.browser

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^(\d{3}\*{4}\d{4})?$")


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("fangkong-demo")
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.wait_for_url(f"{live_server.url}/")


def test_grid_worker_sees_only_their_community_masked(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=400)
    community_a = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, live_server, "grid_worker_a")
    # The navigation groups the pages by module: "人员" sits in the 基础信息 menu.
    people_link = page.locator("#site-nav").get_by_role("link", name=re.compile("^(人员|People)$"))
    assert not people_link.is_visible()
    page.locator("#site-nav summary", has_text=re.compile("基础信息|Basic data")).click()
    people_link.click()
    page.wait_for_selector("table.people tbody tr")

    rows = page.locator("table.people tbody tr")
    assert rows.count() > 0
    communities = set(page.locator("table.people td.community").all_inner_texts())
    assert communities == {community_a.name}
    for cells in page.locator("table.people tbody tr td:nth-child(2)").all_inner_texts():
        assert MASKED_ID.match(cells.strip()), cells
    for cells in page.locator("table.people tbody tr td:nth-child(3)").all_inner_texts():
        assert MASKED_PHONE.match(cells.strip()), cells
    page.screenshot(path=str(screenshot_dir / "people-grid_worker_a.png"), full_page=True)

    # Another community's person is not reachable by URL either.
    from fangkong.registry.models import Person

    foreign = Person.objects.exclude(community=community_a).first()
    response = page.goto(f"{live_server.url}/people/{foreign.pk}/")
    assert response.status == 404

    # On a phone the list becomes cards and still shows masked numbers only.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    _login(mobile, live_server, "grid_worker_a")
    mobile.goto(f"{live_server.url}/people/")
    mobile.wait_for_selector("table.people tbody tr")
    mobile.screenshot(path=str(screenshot_dir / "people-grid_worker_a-phone.png"), full_page=False)
    context.close()
    phone.close()


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=400)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _login(page, live_server, "hq_admin")
    header = page.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 140  # the desk comes first, not a wall of links
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    page.get_by_role("button", name="菜单").click()
    assert nav.is_visible()
    page.locator("#site-nav summary", has_text="外防输入").click()
    assert nav.get_by_role("link", name="闭环").is_visible()
    page.screenshot(path=str(screenshot_dir / "nav-phone-open.png"))
    context.close()
