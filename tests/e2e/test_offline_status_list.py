"""The checkpoint decides offline (issue 22, points 3 and 4): the page keeps the signed status list while the
network is up; offline, a personal code the list marks is held (never let through), the page saying which list
it decided with; the registration carries its decision, the server decides again when it arrives, and a
difference reaches the shift's leader. A list whose signature fails, or which has expired or is dated ahead, is
refused and said so."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest

from fangkong.containment import status_list
from fangkong.containment.models import Colour, PersonStatus
from fangkong.core import clock, pii
from fangkong.core.models import HallAlert, Notification
from fangkong.registry.codes import person_code
from fangkong.registry.models import Person
from fangkong.screening.models import Passage
from fangkong.site.demo import seed_demo

from .field import field_phone
from .test_offline_checkpoint import _number
from .test_people_browser import _login

pytestmark = pytest.mark.browser

KEPT = "caches.open('fangkong-status-list').then(c => c.match('/containment/status-list.json')).then(r => !!r)"


def _red_people(n: int) -> list[Person]:
    status_list.status_list_build()  # settles the statuses: the sealed compound's residents are red
    ids = PersonStatus.objects.filter(colour=Colour.RED).values_list("person_id", flat=True)[:n]
    return list(Person.objects.filter(pk__in=list(ids)).order_by("pk"))


def _fill(page, number: str, name: str, code: str = "") -> None:
    if code:
        page.get_by_label(re.compile("个人码")).fill(code)
    page.get_by_label(re.compile("证件号码")).fill(number)
    page.get_by_label(re.compile("^姓名")).fill(name)
    page.get_by_label(re.compile("目的地址")).fill("辽宁省盘锦市双台子区")
    page.get_by_label(re.compile("体温")).fill("36.5")
    page.get_by_role("button", name=re.compile("^登记$")).click()


def _waiting(page, n: int) -> None:
    page.wait_for_function(
        "n => (document.querySelector('#outbox [data-waiting]') || {}).textContent.indexOf('等待发送：' + n) === 0",
        arg=n,
    )


def test_offline_the_list_holds_a_marked_code_and_the_server_checks_again(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    hq = Person.objects.model._meta.apps.get_model("auth", "User").objects.get(username="hq_admin")
    held, unscanned = _red_people(2)
    code = person_code(actor=hq, person_id=held.pk)
    status_list.status_list_build()  # the list the page fetches: with the code just issued
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.goto(url)  # kept by the worker; the list fetched and kept beside it
    page.wait_for_function(KEPT)
    assert page.locator("[data-offline]").is_hidden()  # online: the server decides, nothing more to type

    phone.set_offline(True)
    page.goto(url)
    state = page.locator("[data-list-state]")
    page.wait_for_function("() => document.querySelector('[data-list-state]').textContent.indexOf('签名已核验') > 0")
    assert re.search(r"状态名单签发于 \d\d:\d\d（\d+ 分钟前，签名已核验）", state.inner_text()), state.inner_text()

    # A marked personal code: held for the transfer team, the list named.
    _fill(page, pii.decrypt(held.doc_cipher), held.name, code=code.lower())  # typed in lower case: the same code
    card = page.locator("#offline-result")
    card.wait_for(state="visible")
    assert "集中隔离" in card.inner_text() and "状态名单" in card.inner_text()
    assert "个人码在" in card.inner_text() and "服务器复核" in card.inner_text()
    _waiting(page, 1)
    page.screenshot(path=str(screenshot_dir / "checkpoint-offline-decision-phone.png"), full_page=True)

    # The same platform status, no code scanned: the page cannot know, lets pass and says what it did not check.
    _fill(page, pii.decrypt(unscanned.doc_cipher), unscanned.name)
    page.wait_for_function("() => document.querySelector('#offline-result').textContent.indexOf('扫描个人码') > 0")
    assert "放行" in card.inner_text()
    # Someone unknown to the platform, with no code: let pass offline as online.
    _fill(page, _number(7), "周七")
    _waiting(page, 3)

    phone.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox [data-refused] li').length === 2 &&"
        " !document.querySelector('#outbox [data-waiting]').textContent",
        timeout=30_000,
    )
    told = page.locator("#outbox [data-refused]").inner_text()
    assert "服务器判定：送集中隔离（离线告知：放行）" in told  # the server's word beside the one given offline
    page.screenshot(path=str(screenshot_dir / "checkpoint-offline-rechecked-phone.png"), full_page=True)

    by_person = {p.person_id: p for p in Passage.objects.exclude(offline_instruction="")}
    assert len(by_person) == 3
    first, second = by_person[held.pk], by_person[unscanned.pk]
    assert (first.offline_instruction, first.offline_rule, first.instruction) == (
        "central_isolation",
        "status_listed",
        "central_isolation",
    )
    assert "list=" in first.offline_basis and not first.offline_differs
    assert (second.offline_instruction, second.instruction) == ("let_pass", "central_isolation")
    assert "list=" not in second.offline_basis  # decided without the list: no code was scanned
    leader = Notification.objects.get(user__username="checkpoint_staff", link__contains="offline=differs")
    assert "放行" in leader.title and "集中隔离" in leader.title
    assert HallAlert.objects.filter(kind="screening.offline_difference").count() == 1
    phone.close()


def _signed(payload: dict, **changes) -> dict:
    changed = {**payload, **changes}
    changed["signature"] = base64.b64encode(status_list.private_key().sign(status_list.message(changed))).decode()
    return changed


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("tampered", "签名核验未通过"),
        ("expired", "已过期"),
        ("future", "签发时间在未来"),
    ],
)
def test_a_list_that_fails_its_checks_is_not_answered_from(browser, live_server, transactional_db, case, said):
    seed_demo(people=300)
    hq = Person.objects.model._meta.apps.get_model("auth", "User").objects.get(username="hq_admin")
    (held,) = _red_people(1)
    code = person_code(actor=hq, person_id=held.pk)
    payload = status_list.status_list_build()
    now = clock.now().replace(microsecond=0)
    stamp = status_list._stamp
    bad = {
        "tampered": {**payload, "count": payload["count"] + 1},  # the signature no longer covers it
        "expired": _signed(
            payload, issued_at=stamp(now - timedelta(hours=30)), expires_at=stamp(now - timedelta(hours=6))
        ),
        "future": _signed(
            payload, issued_at=stamp(now + timedelta(hours=2)), expires_at=stamp(now + timedelta(hours=26))
        ),
    }[case]
    phone, page, url = field_phone(browser, live_server, "checkpoint_staff", "/screening/checkpoints/")
    page.goto(url)
    page.wait_for_function(KEPT)
    page.evaluate(
        "text => caches.open('fangkong-status-list').then(c => c.put('/containment/status-list.json',"
        " new Response(text, {headers: {'Content-Type': 'application/json'}})))",
        json.dumps(bad),
    )
    phone.set_offline(True)
    page.goto(url)
    state = page.locator("[data-list-state]")
    page.wait_for_function("() => document.querySelector('[data-list-state]').textContent.indexOf('不予使用') > 0")
    assert said in state.inner_text()
    _fill(page, pii.decrypt(held.doc_cipher), held.name, code=code)
    card = page.locator("#offline-result")
    card.wait_for(state="visible")
    assert "本机没有有效的状态名单" in card.inner_text()  # decided without it, and said so
    phone.close()


def test_without_ed25519_in_webcrypto_the_vendored_one_checks_the_list(browser, live_server, transactional_db):
    """An older phone's browser has no Ed25519 in WebCrypto: the page checks the signature with the vendored
    noble-ed25519 instead (loaded only then) — and still refuses a list whose signature fails."""
    seed_demo(people=300)
    status_list.status_list_build()
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.add_init_script(
        """(() => {
          const importKey = crypto.subtle.importKey.bind(crypto.subtle);
          crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
            (algorithm && (algorithm.name || algorithm) === "Ed25519")
              ? Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"))
              : importKey(format, key, algorithm, ...rest);
        })();"""
    )
    page = phone.new_page()
    _login(page, live_server, "checkpoint_staff")
    page.goto(f"{live_server.url}/screening/checkpoints/")
    url = page.url
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    with page.expect_response(re.compile("noble-ed25519/index.js")):
        page.goto(url)
    page.wait_for_function(KEPT)  # kept only once its signature checked out
    phone.set_offline(True)
    page.goto(url)
    page.wait_for_function("() => document.querySelector('[data-list-state]').textContent.indexOf('签名已核验') > 0")
    page.evaluate(
        "() => caches.open('fangkong-status-list').then(c => c.match('/containment/status-list.json'))"
        ".then(r => r.json()).then(p => { p.data = p.data.slice(4); return caches.open('fangkong-status-list')"
        ".then(c => c.put('/containment/status-list.json', new Response(JSON.stringify(p)))); })"
    )
    page.reload()
    page.wait_for_function(
        "() => document.querySelector('[data-list-state]').textContent.indexOf('签名核验未通过') > 0"
    )
    phone.close()


def test_the_pages_hash_look_up_finds_what_the_server_packed(browser):
    """The pages look codes up with their own SHA-256 (statuslist.js: synchronous, inside the submit): it must give
    Python's hash for every length a salt and a code make — across SHA-256's 55/56/64-byte block edges — and the
    look-up must find each packed code and no other."""
    import string
    from pathlib import Path

    from fangkong.core import hashlist

    codes = ["P" + (string.ascii_uppercase * 8)[:n] for n in range(140)] + ["ab" * 16, "AB12" * 8, "p3kx", "闭环"]
    absent = ["Q" + (string.digits * 20)[:n] for n in range(140)]
    packed = hashlist.pack(codes)
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(Path(__file__).parents[2] / "fangkong/core/static/fangkong/statuslist.js"))
    found = page.evaluate(
        "([p, cs]) => { const l = fangkongHashList.unpack(p); return cs.map(c => fangkongHashList.holds(l, c)); }",
        [packed, codes + absent],
    )
    assert found == [True] * len(codes) + [False] * len(absent)
    assert all(hashlist.holds(packed, c) for c in codes)
    page.close()
