"""A weak network (issue 22): the phone believes it is online, but the post gets no answer. After the page's
patience the post is given up and the scan taken as offline — the page answers from what it keeps, the outbox
keeps it with the time it was taken and sends it in the background with the same key — so it counts once whether
the given-up post arrived (its answer lost) or not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from fangkong.containment import status_list
from fangkong.containment.models import VenueScan
from fangkong.core import clock
from fangkong.registry.codes import person_code
from fangkong.registry.models import Person
from fangkong.screening.models import Passage
from fangkong.site.demo import seed_demo

from .field import field_phone
from .test_offline_checkpoint import _number
from .test_offline_status_list import KEPT, _red_people

pytestmark = pytest.mark.browser

PATIENCE = "document.querySelector('#outbox').setAttribute('data-patience', '2')"  # 6 s on a real page


def _hang(page, live_server, phone, path: re.Pattern, *, arrives: bool) -> list:
    """The page's own posts to `path` get no answer: the server gets them (`arrives`) or not. The outbox's sends
    (marked) go through. The held requests, in order."""
    session = next(c["value"] for c in phone.cookies() if c["name"] == "sessionid")
    held = []

    def hold(route):
        if route.request.method != "POST" or route.request.headers.get("x-fangkong-outbox"):
            route.continue_()
            return
        if arrives:
            server = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
            server.cookies["sessionid"] = session
            server.post(
                route.request.url.split(live_server.url, 1)[1],
                route.request.post_data,
                content_type="application/x-www-form-urlencoded",
            )
        held.append(route)  # never answered

    page.route(path, hold)
    return held


def test_a_registration_with_no_answer_is_decided_on_the_phone_and_counts_once(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    held = _hang(page, live_server, phone, re.compile(r"/screening/checkpoints/\d+/$"), arrives=True)
    page.evaluate(PATIENCE)
    taken = clock.now()
    page.get_by_label(re.compile("证件号码")).fill(_number(51))
    page.get_by_label(re.compile("^姓名")).fill("郑五一")
    page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
    page.get_by_label(re.compile("体温")).fill("36.5")
    page.get_by_role("button", name=re.compile("^登记$")).click()
    card = page.locator("#offline-result")
    card.wait_for(state="visible", timeout=15_000)  # decided on the phone, by the same rules
    assert card.inner_text().strip() and len(held) == 1
    assert Passage.objects.filter(name="郑五一").count() == 1  # the given-up post did arrive
    page.screenshot(path=str(screenshot_dir / "checkpoint-weak-network-phone.png"), full_page=True)
    # The outbox sends it in the background with the same key: answered with the first reply, not counted again.
    page.wait_for_function("() => !window.fangkongWeak && document.querySelector('#outbox').hidden", timeout=30_000)
    passages = Passage.objects.filter(name="郑五一")
    assert passages.count() == 1 and abs(passages[0].at - taken) < timedelta(seconds=30)
    # The network answers again: the next registration is the server's, as always.
    page.unroute(re.compile(r"/screening/checkpoints/\d+/$"))
    page.get_by_label(re.compile("证件号码")).fill(_number(52))
    page.get_by_label(re.compile("^姓名")).fill("郑五二")
    page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
    page.get_by_role("button", name=re.compile("^登记$")).click()
    page.locator("#result").wait_for()
    assert Passage.objects.filter(name="郑五二").count() == 1
    phone.close()


def test_the_venue_door_answers_from_its_list_when_the_server_does_not(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    hq = Person.objects.model._meta.apps.get_model("auth", "User").objects.get(username="hq_admin")
    (red,) = _red_people(1)
    code = person_code(actor=hq, person_id=red.pk)
    status_list.status_list_build()
    phone, page, _url = field_phone(browser, live_server, "venue_staff", "/containment/venues/door/")
    page.wait_for_function(KEPT)
    held = _hang(page, live_server, phone, re.compile(r"/containment/venues/door/\d+/$"), arrives=False)
    page.evaluate(PATIENCE)
    page.get_by_label(re.compile("访客个人码")).fill(code)
    page.get_by_role("button", name=re.compile("核验并登记")).click()
    card = page.locator("#offline-result")
    card.wait_for(state="visible", timeout=15_000)
    assert "禁止通行" in card.inner_text() and len(held) == 1  # never "let in" for a marked code
    assert "网络信号太弱" in page.locator("#outbox").inner_text()
    page.screenshot(path=str(screenshot_dir / "venue-door-weak-network-phone.png"), full_page=True)
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox [data-refused] li').length === 1 && !window.fangkongWeak",
        timeout=30_000,
    )
    assert VenueScan.objects.filter(person=red).count() == 1  # sent once by the outbox, its answer to act on
    phone.close()
