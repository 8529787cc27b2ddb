from __future__ import annotations

import re

import pytest

from fangkong.core import pii
from fangkong.registry.models import Person, PersonTag, RoleAssignment
from fangkong.screening.models import FollowUp
from fangkong.site.demo import seed_demo
from fangkong.testing.models import Recall, Site

from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_pool_positive_reaches_the_grid_worker_as_ten_recalls(
    browser, live_server, transactional_db, screenshot_dir, tmp_path
):
    seed_demo(people=2000)
    community_a = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    site = Site.objects.get(jurisdiction=community_a)
    # Ten who go into a pool of ten: not tested alone (under closed-loop management — the demo's close contacts
    # are —, key population, a case).
    alone = FollowUp.objects.filter(released_at__isnull=True).values("person_id")
    pooled = (
        Person.objects.filter(community=community_a, cases__isnull=True)
        .exclude(pk__in=alone)
        .exclude(tags__tag=PersonTag.Tag.KEY_POPULATION)
        .order_by("pk")[:10]
    )
    numbers = [pii.decrypt(p.doc_cipher) for p in pooled]
    assert len(numbers) == 10

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "sampler")
    page.goto(f"{live_server.url}/testing/sites/{site.pk}/")
    for i, number in enumerate(numbers):
        page.get_by_label(re.compile("身份证号")).fill(number)
        page.get_by_label(re.compile("^管号$")).fill("E2E-POOL-01")
        with page.expect_navigation():  # the outbox keeps the scan first, then it is posted
            page.get_by_role("button", name=re.compile("记录采样")).click()
        page.get_by_text(re.compile("已采样")).wait_for()
        if i == 8:
            assert "9 / 10" in page.locator(".tube-count").inner_text()
            page.screenshot(path=str(screenshot_dir / "sampler-tube-9-of-10-phone.png"), full_page=True)
    assert "无开放的采样管" in page.locator(".tube-count").inner_text()  # full: closed by itself
    page.goto(f"{live_server.url}/testing/bags/")
    page.get_by_label(re.compile("封签号")).fill("E2E-SEAL-01")
    page.get_by_label(re.compile("管号（每行一个）")).fill("E2E-POOL-01")
    page.get_by_role("button", name=re.compile("^封装$")).click()
    page.get_by_text(re.compile("E2E-SEAL-01 已登记")).wait_for()

    lab = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    lpage = lab.new_page()
    _login(lpage, live_server, "lab_staff")
    lpage.goto(f"{live_server.url}/testing/lab/")
    lpage.get_by_label(re.compile("^封签号$")).fill("E2E-SEAL-01")
    lpage.get_by_role("button", name=re.compile("^接收$")).click()
    lpage.get_by_text(re.compile("E2E-SEAL-01 已接收")).wait_for()
    sheet = tmp_path / "results.csv"
    sheet.write_bytes("管号,结果,Ct值\r\nE2E-POOL-01,阳性,29.5\r\n".encode("gbk"))
    lpage.locator("#file").set_input_files(str(sheet))
    lpage.get_by_role("button", name=re.compile("^上传$")).click()
    lpage.get_by_text(re.compile("已录入 1 条结果")).wait_for()
    assert Recall.objects.filter(source_tube__code="E2E-POOL-01").count() == 10

    worker = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    wpage = worker.new_page()
    _login(wpage, live_server, "grid_worker_a")
    wpage.goto(f"{live_server.url}/testing/recalls/")
    cards = wpage.locator("li.recall")
    cards.first.wait_for()
    assert cards.count() == 10
    assert "E2E-POOL-01" in cards.first.inner_text()
    wpage.screenshot(path=str(screenshot_dir / "grid-worker-ten-recalls-phone.png"), full_page=True)
    for ctx in (phone, lab, worker):
        ctx.close()
