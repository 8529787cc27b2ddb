"""The sampling site page offline (issue 22, point 1): the network drops, the sampler fills a 10-in-1 tube on a
phone, the page keeps each scan with its key and time; the network comes back and each counts exactly once, at
the time it was taken; a scan the server refuses comes back to the page with its reason."""

from __future__ import annotations

import re

import pytest

from fangkong.core import clock, pii
from fangkong.core.models import IdempotencyRecord
from fangkong.registry.models import RoleAssignment
from fangkong.site.demo import seed_demo
from fangkong.testing.models import Sample, Site, Tube

from .field import sign_out_from_the_desk
from .residents import poolable
from .test_people_browser import _login

pytestmark = pytest.mark.browser


def test_a_tube_filled_offline_counts_once_when_the_network_is_back(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=2000)
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    pooled = poolable(11)
    numbers = [pii.decrypt(p.doc_cipher) for p in pooled]
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "sampler")
    url = f"{live_server.url}/testing/sites/{site.pk}/"
    page.goto(url)
    person, tube = page.get_by_label(re.compile("身份证号")), page.get_by_label(re.compile("^管号$"))
    record = page.get_by_role("button", name=re.compile("记录采样"))
    # Online first: the eleventh is sampled now, so that the same scan offline is refused later.
    person.fill(numbers[10])
    tube.fill("E2E-ON-01")
    record.click()
    page.get_by_text(re.compile("已采样")).wait_for()
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    page.goto(url)  # now under the worker: the page is kept for when the network drops
    assert page.evaluate("!!navigator.serviceWorker.controller")

    phone.set_offline(True)
    page.goto(url)  # offline: the page the worker kept
    page.get_by_role("heading", name=site.name).wait_for()
    waiting = page.locator("#outbox [data-waiting]")
    scans = [(numbers[10], "E2E-OFF-02")] + [(n, "E2E-OFF-01") for n in numbers[:10]]
    for i, (number, tube_code) in enumerate(scans):
        page.get_by_label(re.compile("身份证号")).fill(number)
        page.get_by_label(re.compile("^管号$")).fill(tube_code)
        page.get_by_role("button", name=re.compile("记录采样")).click()
        page.wait_for_function(
            "n => (document.querySelector('#outbox [data-waiting]') || {}).textContent.indexOf('等待发送：' + n) === 0",
            arg=i + 1,
        )
    # An eleventh into the full tube: this phone counted ten, and says to take a new tube.
    page.get_by_label(re.compile("身份证号")).fill(numbers[10])
    page.get_by_label(re.compile("^管号$")).fill("E2E-OFF-01")
    page.get_by_role("button", name=re.compile("记录采样")).click()
    page.get_by_text(re.compile("此管已采 10 人")).wait_for()
    assert Sample.objects.filter(tube__code="E2E-OFF-01").count() == 0  # nothing reached the server
    page.screenshot(path=str(screenshot_dir / "sampler-offline-waiting-phone.png"), full_page=True)

    back = clock.now()
    phone.set_offline(False)
    page.locator("#outbox li.refused").wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#outbox [data-waiting]').textContent", timeout=30_000)
    samples = Sample.objects.filter(tube__code="E2E-OFF-01")
    assert sorted(samples.values_list("person_id", flat=True)) == sorted(p.pk for p in pooled[:10])  # once each
    assert all(s.collected_at < back for s in samples)  # at the time each was scanned, not when sent
    assert Tube.objects.get(code="E2E-OFF-01").count == 10
    assert Sample.objects.filter(person=pooled[10]).count() == 1  # the refused one: only its online sample
    refused = page.locator("#outbox li.refused")
    assert refused.count() == 1 and "未计入" in refused.inner_text()
    # One key per scan: the first, online, and the eleven kept offline (each sent once, with the key it was given).
    assert IdempotencyRecord.objects.filter(scope=f"page-sample:{site.pk}").count() == 12
    assert waiting.inner_text() == ""
    page.screenshot(path=str(screenshot_dir / "sampler-offline-sent-phone.png"), full_page=True)
    refused.get_by_role("button", name="知道了").click()
    page.wait_for_function("() => document.querySelector('#outbox').hidden")
    phone.close()


def test_a_phone_signed_out_meanwhile_sends_nothing_until_its_account_signs_in_again(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    people = poolable(2)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "sampler")
    url = f"{live_server.url}/testing/sites/{site.pk}/"
    page.goto(url)
    phone.set_offline(True)
    for i, person in enumerate(people):
        page.get_by_label(re.compile("身份证号")).fill(pii.decrypt(person.doc_cipher))
        page.get_by_label(re.compile("^管号$")).fill("E2E-OUT-01")
        page.get_by_role("button", name=re.compile("记录采样")).click()
        page.wait_for_function(
            "n => (document.querySelector('#outbox [data-waiting]') || {}).textContent.indexOf('等待发送：' + n) === 0",
            arg=i + 1,
        )
    # Signed out from elsewhere while the phone was off the network: the sampler's desk signs the phone out.
    sign_out_from_the_desk(browser, live_server, "sampler", screenshot_dir / "devices-desk.png")
    phone.set_offline(False)
    page.get_by_text(re.compile("已退出登录：本机存有 2 条记录")).wait_for(timeout=30_000)
    assert not Sample.objects.filter(tube__code="E2E-OUT-01").exists()  # nothing sent on no one's behalf
    page.screenshot(path=str(screenshot_dir / "sampler-offline-signed-out-phone.png"), full_page=True)
    _login(page, live_server, "sampler")  # the same account signs in again: its scans go
    page.goto(url)  # the page sends what waits as it opens
    sent = Sample.objects.filter(tube__code="E2E-OUT-01")
    for _ in range(150):
        if sent.count() == 2:
            break
        page.wait_for_timeout(200)
    assert sent.count() == 2
    page.wait_for_function("() => document.querySelector('#outbox').hidden", timeout=30_000)
    phone.close()


def test_offline_a_person_tested_alone_is_kept_out_of_a_pooled_tube(
    browser, live_server, transactional_db, screenshot_dir
):
    """The phone keeps who is tested alone (their personal codes, hashed): offline, such a person's code scanned
    into a tube that holds others is refused before the swab goes in; a new tube is theirs alone and takes
    nobody else. Back online each counts once, the tube of one closed."""
    from django.core.cache import cache

    from fangkong.registry.codes import person_code
    from fangkong.registry.models import PersonTag

    seed_demo(people=300)
    first, second, key = poolable(3)
    PersonTag.objects.create(person=key, tag=PersonTag.Tag.KEY_POPULATION)
    hq = RoleAssignment.objects.get(user__username="hq_admin").user
    code = person_code(actor=hq, person_id=key.pk)
    cache.clear()  # the list is built afresh, with the tag
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, live_server, "sampler")
    url = f"{live_server.url}/testing/sites/{site.pk}/"
    page.goto(url)
    page.wait_for_function(
        "u => caches.open('fangkong-status-list').then(c => c.match(u)).then(r => !!r)",
        arg=f"{live_server.url}/testing/sites/{site.pk}/alone.json",
    )
    phone.set_offline(True)
    person, tube = page.get_by_label(re.compile("身份证号")), page.get_by_label(re.compile("^管号$"))
    record = page.get_by_role("button", name=re.compile("记录采样"))
    person.fill(pii.decrypt(first.doc_cipher))
    tube.fill("E2E-ALN-01")
    record.click()
    page.get_by_text(re.compile("^等待发送：1")).wait_for()
    person.fill(code)  # the key population's own code, into the pooled tube: refused on the phone
    record.click()
    note = page.locator("#alone [data-note]")
    note.wait_for(state="visible")
    assert "单人单管" in note.inner_text() and "E2E-ALN-01" in note.inner_text()
    page.screenshot(path=str(screenshot_dir / "sampler-offline-tested-alone-phone.png"), full_page=True)
    assert page.get_by_text(re.compile("^等待发送：1")).is_visible()  # nothing kept
    tube.fill("E2E-ALN-02")  # a new tube, theirs alone
    record.click()
    page.get_by_text(re.compile("^等待发送：2")).wait_for()
    assert note.is_hidden()
    person.fill(pii.decrypt(second.doc_cipher))  # somebody else into it: it holds one already
    record.click()
    page.get_by_text(re.compile("单独采样的人员")).wait_for()
    tube.fill("E2E-ALN-01")
    record.click()
    page.get_by_text(re.compile("^等待发送：3")).wait_for()

    phone.set_offline(False)
    page.wait_for_function("() => document.querySelector('#outbox').hidden", timeout=30_000)
    alone = Tube.objects.get(code="E2E-ALN-02")
    assert (alone.pool_size, alone.closed_at is not None) == (1, True)
    assert list(Sample.objects.filter(tube=alone).values_list("person_id", flat=True)) == [key.pk]
    assert sorted(Sample.objects.filter(tube__code="E2E-ALN-01").values_list("person_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    phone.close()
