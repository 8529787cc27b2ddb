"""What a field phone keeps, and for how long (issue 22): a phone signed out from the desk clears the page it shows
and the pages it kept as soon as it asks (every minute while online, and whenever the page comes back to the
front), not at its next scan; a scan kept offline for longer than the server could still take it is refused on
the phone itself, and what it held (the person's number) is dropped, leaving its label and the reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fangkong.core import clock, pii
from fangkong.registry.models import RoleAssignment
from fangkong.site.demo import seed_demo
from fangkong.testing.models import Sample, Site

from .field import field_phone, sign_out_from_the_desk
from .residents import poolable

pytestmark = pytest.mark.browser

KEPT_PAGES = "caches.keys().then(keys => keys.filter(k => k.indexOf('fangkong-pages-') === 0).length)"
ENTRIES = """() => new Promise(resolve => {
  const open = indexedDB.open("fangkong-outbox", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("scans").objectStore("scans").getAll();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""


def _site_path() -> str:
    site = Site.objects.get(jurisdiction=RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction)
    return f"/testing/sites/{site.pk}/"


def test_a_phone_signed_out_from_the_desk_clears_its_page_when_it_next_asks(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    phone, page, _url = field_phone(browser, live_server, "sampler", _site_path())
    page.wait_for_function(f"() => {KEPT_PAGES}.then(n => n > 0)")  # the worker kept the page
    sign_out_from_the_desk(browser, live_server, "sampler")
    # The phone brought back to the front (it also asks every minute): it asks, and is told it is signed out.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.get_by_text(re.compile("此设备已退出登录")).wait_for(timeout=15_000)
    assert page.get_by_label(re.compile("身份证号")).count() == 0  # the form and what the page listed are gone
    assert page.locator("main h1, header").count() == 0
    page.wait_for_function(f"() => {KEPT_PAGES}.then(n => n === 0)")
    page.screenshot(path=str(screenshot_dir / "field-phone-signed-out-cleared-phone.png"), full_page=True)
    page.get_by_role("link", name="登录").click()
    page.wait_for_url(re.compile("/login/"))
    phone.close()


def test_a_scan_kept_too_long_is_refused_on_the_phone_and_what_it_held_dropped(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    (person,) = poolable(1)
    number = pii.decrypt(person.doc_cipher)
    phone, page, url = field_phone(browser, live_server, "sampler", _site_path())
    page.goto(url)  # the worker keeps the page as it is fetched
    phone.set_offline(True)
    page.get_by_label(re.compile("身份证号")).fill(number)
    page.get_by_label(re.compile("^管号$")).fill("E2E-OLD-01")
    page.get_by_role("button", name=re.compile("记录采样")).click()
    page.get_by_text(re.compile("^等待发送：1")).wait_for()
    (entry,) = page.evaluate(ENTRIES)
    assert any(value == number for _name, value in entry["fields"])
    # The phone stayed off the network for days: its scan's time is moved back past what the server still takes.
    old = (clock.now() - timedelta(days=3)).isoformat()
    page.evaluate(
        """at => new Promise(resolve => {
          const open = indexedDB.open("fangkong-outbox", 1);
          open.onsuccess = () => {
            const tx = open.result.transaction("scans", "readwrite"), scans = tx.objectStore("scans");
            scans.getAll().onsuccess = e => { e.target.result.forEach(s => { s.at = at; scans.put(s); }); };
            tx.oncomplete = () => { open.result.close(); resolve(); };
          };
        })""",
        old,
    )
    phone.set_offline(False)  # the page left open all along: back on the network, nothing is sent
    refused = page.locator("#outbox [data-refused] li")
    refused.wait_for()
    assert refused.get_attribute("data-code") == "too_old" and "在本机存放过久" in refused.inner_text()
    (entry,) = page.evaluate(ENTRIES)
    assert entry["state"] == "refused" and entry["fields"] == []  # the ID number is gone from the phone
    assert number not in page.evaluate("() => document.body.innerText")
    page.wait_for_timeout(500)
    assert not Sample.objects.filter(tube__code="E2E-OLD-01").exists()
    page.screenshot(path=str(screenshot_dir / "sampler-kept-too-long-phone.png"), full_page=True)
    refused.get_by_role("button", name="知道了").click()
    page.wait_for_function(f"() => ({ENTRIES})().then(all => all.length === 0)")
    phone.close()
