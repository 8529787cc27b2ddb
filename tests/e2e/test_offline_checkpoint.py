"""The checkpoint's registration page offline (issue 22, point 1): the road's network drops, the staff register
three travellers on a phone, the page keeps each with its key and time; the network comes back and each passage
is registered exactly once, at the time it was taken."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fangkong.core import clock
from fangkong.core.ids import check_char
from fangkong.core.models import IdempotencyRecord
from fangkong.screening.models import Passage
from fangkong.site.demo import seed_demo

from .field import field_phone

pytestmark = pytest.mark.browser


def _number(i: int) -> str:
    first17 = f"21110319900101{i:03d}"
    return first17 + check_char(first17)


def test_passages_registered_offline_count_once_at_their_time(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=300)
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.goto(url)  # under the worker now: the page is kept for when the network drops
    # One registered online from that page: the page kept carries its key, used now (the offline scans get theirs).
    page.get_by_label(re.compile("证件号码")).fill(_number(9))
    page.get_by_label(re.compile("^姓名")).fill("周零")
    page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
    page.get_by_role("button", name=re.compile("^登记$")).click()
    page.locator("#result").wait_for()
    before = Passage.objects.count()

    phone.set_offline(True)
    page.goto(url)  # offline: the page the worker kept
    names = ["钱一", "孙二", "李三"]
    for i, name in enumerate(names):
        page.get_by_label(re.compile("证件号码")).fill(_number(i))
        page.get_by_label(re.compile("^姓名")).fill(name)
        page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
        page.get_by_label(re.compile("体温")).fill("36.5")
        page.get_by_role("button", name=re.compile("^登记$")).click()
        page.wait_for_function(
            "n => (document.querySelector('#outbox [data-waiting]') || {}).textContent.indexOf('等待发送：' + n) === 0",
            arg=i + 1,
        )
        assert page.get_by_label(re.compile("证件号码")).input_value() == ""  # ready for the next traveller
    assert Passage.objects.count() == before
    page.screenshot(path=str(screenshot_dir / "checkpoint-offline-waiting-phone.png"), full_page=True)

    back = clock.now()
    phone.set_offline(False)
    page.wait_for_function("() => document.querySelector('#outbox').hidden", timeout=30_000)
    passages = Passage.objects.filter(name__in=names)
    assert sorted(passages.values_list("name", flat=True)) == sorted(names)  # each exactly once
    assert all(p.at < back for p in passages)  # at the time each was registered, not when it was sent
    checkpoint = passages[0].checkpoint_id
    assert IdempotencyRecord.objects.filter(scope=f"page-passage:{checkpoint}").count() == 4  # and the online one
    phone.close()


@pytest.mark.parametrize("lost", ["request", "reply"])
def test_a_post_the_network_loses_is_sent_again_once(browser, live_server, transactional_db, lost):
    """The phone believes it is online; the network drops the post on the way (`request`: the server never sees
    it) or drops the server's answer (`reply`: registered, but the phone never hears). The browser shows its
    error page; back on the checkpoint page, the outbox sends the registration again with its key and the time it
    was taken: registered exactly once either way."""
    seed_demo(people=300)
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.goto(url)
    page.wait_for_load_state("networkidle")

    session = next(c["value"] for c in phone.cookies() if c["name"] == "sessionid")

    def drop(route):
        if route.request.method != "POST" or route.request.headers.get("x-fangkong-outbox"):
            route.continue_()
            return
        if lost == "reply":  # the server registers it (the same post, the same session) …
            server = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
            server.cookies["sessionid"] = session
            path = route.request.url.split(live_server.url, 1)[1]
            server.post(path, route.request.post_data, content_type="application/x-www-form-urlencoded")
        route.abort("connectionreset")  # … and the phone never hears

    page.route(re.compile(r"/screening/checkpoints/\d+/$"), drop)
    taken = clock.now()
    page.get_by_label(re.compile("证件号码")).fill(_number(41))
    page.get_by_label(re.compile("^姓名")).fill("吴四一")
    page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name=re.compile("^登记$")).click()
    page.wait_for_url(re.compile("^chrome-error:"))  # the browser's error page
    assert Passage.objects.filter(name="吴四一").count() == (1 if lost == "reply" else 0)

    with page.expect_response(lambda r: r.request.method == "POST" and r.request.headers.get("x-fangkong-outbox")):
        page.goto(url)  # the staff go back to the page: the lost post is sent again by the outbox
    page.wait_for_function("() => document.querySelector('#outbox').hidden")  # nothing left to send or say
    passages = Passage.objects.filter(name="吴四一")
    assert passages.count() == 1
    assert abs((passages[0].at - taken).total_seconds()) < 30  # at the time it was taken, not when sent again
    page.wait_for_load_state("networkidle")
    phone.close()


def test_a_page_opened_once_opens_again_offline(browser, live_server, transactional_db):
    """The first visit installs the worker, which then keeps the page already open: no second visit needed."""
    seed_demo(people=300)
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.wait_for_function(
        "u => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.match(u)))))"
        ".then(found => found.some(Boolean))",
        arg=url,
    )
    phone.set_offline(True)
    page.goto(url)
    assert page.get_by_role("button", name=re.compile("^登记$")).is_visible()
    for start in ("/", "/screening/checkpoints/"):  # the installed app's start, the list (a redirect): the kept page
        page.goto(f"{live_server.url}{start}")
        assert page.url == url and page.get_by_role("button", name=re.compile("^登记$")).is_visible()
    phone.close()
