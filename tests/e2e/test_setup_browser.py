"""Issue 17's journey: a district set up on an empty database from the shipped sample sheets alone — the first
administrator's pages, then the new staff's — up to a passage its grid worker sees. No seed, no code."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from fangkong.registry.setup import district_setup

from .picking import pick

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "onboarding" / "sample"
FIRST = "Xlt-首任管理员-2026"
OWN = "Xlt-自己的新密码-2026"


def _sign_in_first_time(page, live_server, username: str, given: str) -> None:
    """Sign in with a password someone else chose: the password change comes first, then the home page."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label(re.compile("用户名")).fill(username)
    page.get_by_label(re.compile("^密码")).fill(given)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_url(re.compile(r"/account/password/"))
    page.get_by_label(re.compile("旧密码")).fill(given)
    page.get_by_label(re.compile("^新密码$")).fill(OWN)
    page.get_by_label(re.compile("新密码确认")).fill(OWN)
    page.get_by_role("button", name=re.compile("修改密码")).click()
    page.wait_for_url(f"{live_server.url}/")


def _upload(page, live_server, path: str, field: str, sheet: str) -> str:
    page.goto(f"{live_server.url}{path}")
    page.locator(field).set_input_files(str(SAMPLE / sheet))
    page.locator(field).locator("xpath=ancestor::form").get_by_role("button", name="导入").click()
    result = page.locator("#import-result")
    result.wait_for()
    return result.inner_text()


def _resident(name: str) -> str:
    with (SAMPLE / "5-residents.csv").open(encoding="utf-8-sig") as f:
        return next(row["证件号码"] for row in csv.DictReader(f) if row["姓名"] == name)


def test_a_district_is_set_up_from_its_sheets_and_its_grid_worker_sees_the_first_passage(
    browser, live_server, transactional_db, screenshot_dir
):
    district_setup(code="211103", name="兴隆台区", admin_username="xlt_admin", admin_password=FIRST)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    _sign_in_first_time(page, live_server, "xlt_admin", FIRST)

    said = _upload(page, live_server, "/admin/tree/", "#tree-file", "1-jurisdictions.csv")
    assert "新建 7 个" in said and "退回 0 行" in said
    assert page.locator("table.tree tbody tr").count() == 8  # the district and its seven
    page.screenshot(path=str(screenshot_dir / "setup-tree.png"), full_page=True)
    assert "退回 0 行" in _upload(page, live_server, "/admin/units/", "#units-file", "2-units.csv")
    assert "退回 0 行" in _upload(page, live_server, "/admin/places/", "#places-file", "3-places.csv")
    said = _upload(page, live_server, "/admin/staff/", "#staff-file", "4-staff.csv")
    assert "新建 10 个" in said
    passwords = dict(
        zip(
            page.locator("#passwords tbody td:nth-child(2)").all_inner_texts(),
            page.locator("#passwords tbody td:nth-child(3)").all_inner_texts(),
            strict=True,
        )
    )
    assert len(passwords) == 10
    page.screenshot(path=str(screenshot_dir / "setup-staff-passwords.png"), full_page=True)
    page.goto(f"{live_server.url}/people/import/")
    page.locator("#file").set_input_files(str(SAMPLE / "5-residents.csv"))
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector('#import-progress[data-status="done"]')
    done = page.locator("#import-progress").inner_text()
    assert re.search(r"4\D+0\D+0\D+0", done), done  # 4 created, none updated, unchanged or rejected
    desk.close()

    # The checkpoint's new staff register the first arrival: a resident of 兴隆社区 coming home.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    cp = phone.new_page()
    _sign_in_first_time(cp, live_server, "cp_01", passwords["cp_01"])
    cp.goto(f"{live_server.url}/screening/checkpoints/")
    cp.get_by_label(re.compile("证件号码")).fill(_resident("孙兴隆"))
    cp.get_by_label(re.compile("^姓名")).fill("孙兴隆")
    cp.get_by_label(re.compile("来自")).fill("沈阳市和平区")
    pick(cp, re.compile("目的社区"), "兴隆社区")
    cp.get_by_label(re.compile("体温")).fill("36.5")
    cp.get_by_role("button", name=re.compile("^登记$")).click()
    cp.locator("#result").wait_for()
    cp.screenshot(path=str(screenshot_dir / "setup-first-passage-phone.png"), full_page=True)
    phone.close()

    # The resident's grid worker, signing in for the first time, sees them arrive.
    worker_phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    wg = worker_phone.new_page()
    _sign_in_first_time(wg, live_server, "xl_wg_01", passwords["xl_wg_01"])
    wg.get_by_role("link", name=re.compile("出入记录")).click()
    row = wg.locator("tbody tr", has_text="兴隆道口检查站")
    row.wait_for()
    assert "孙兴隆" in row.inner_text()
    wg.screenshot(path=str(screenshot_dir / "setup-grid-worker-passages-phone.png"), full_page=True)
    worker_phone.close()

    # The other grid's worker does not.
    other = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    op = other.new_page()
    _sign_in_first_time(op, live_server, "xl_wg_02", passwords["xl_wg_02"])
    op.goto(f"{live_server.url}/screening/passages/")
    assert "孙兴隆" not in op.locator("main").inner_text()
    other.close()

    # The administrator's pages on a phone: an account, a person's edit page.
    from django.contrib.auth import get_user_model

    from fangkong.registry.models import Person

    admin_phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    ap = admin_phone.new_page()
    ap.goto(f"{live_server.url}/login/")
    ap.get_by_label(re.compile("用户名")).fill("xlt_admin")
    ap.get_by_label(re.compile("^密码")).fill(OWN)
    ap.get_by_role("button", name=re.compile("登录")).click()
    ap.wait_for_url(f"{live_server.url}/")
    worker = get_user_model().objects.get(username="xl_wg_01")
    ap.goto(f"{live_server.url}/admin/staff/{worker.pk}/")
    assert "兴隆社区第一网格" in ap.locator("#roles").inner_text()
    ap.screenshot(path=str(screenshot_dir / "setup-staff-account-phone.png"), full_page=True)
    resident = Person.objects.get(name="孙兴隆")
    ap.goto(f"{live_server.url}/people/{resident.pk}/edit/")
    ap.get_by_label(re.compile("住址|地址")).fill("兴隆小区1号楼101室")
    ap.get_by_role("button", name="保存").click()
    ap.wait_for_url(f"{live_server.url}/people/{resident.pk}/")
    assert "已保存" in ap.content()
    ap.screenshot(path=str(screenshot_dir / "setup-person-saved-phone.png"), full_page=True)
    admin_phone.close()

    # Every set-up page as the administrator sees it, on a phone and on a desk (looked at: test-output/screenshots).
    from fangkong.registry.models import Jurisdiction

    grid = Jurisdiction.objects.get(code="XL-01")
    pages = {
        "units": "/admin/units/",
        "places": "/admin/places/",
        "duplicates": "/people/duplicates/",
        "person-edit": f"/people/{resident.pk}/edit/",
        "tree-split": f"/admin/tree/?split={grid.pk}#reorganise",
        "staff": "/admin/staff/",
    }
    for size, viewport in (("phone", {"width": 390, "height": 844}), ("desk", {"width": 1280, "height": 900})):
        context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=size == "phone")
        p = context.new_page()
        p.goto(f"{live_server.url}/login/")
        p.get_by_label(re.compile("用户名")).fill("xlt_admin")
        p.get_by_label(re.compile("^密码")).fill(OWN)
        p.get_by_role("button", name=re.compile("登录")).click()
        p.wait_for_url(f"{live_server.url}/")
        for name, path in pages.items():
            response = p.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            p.screenshot(path=str(screenshot_dir / f"setup-{name}-{size}.png"), full_page=True)
        context.close()
