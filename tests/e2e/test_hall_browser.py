"""The command hall in Chromium: HQ's wall at 1920×1080 sees a high-risk arrival's alert arrive by itself, dispatches
it to the destination community, and follows the task there; a street officer's hall is their street's; the sealed
compound's community is coloured on the map; the deputy's desk shows the zone awaiting them."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from fangkong.command.models import Task
from fangkong.core.ids import check_char
from fangkong.registry.models import Jurisdiction, RoleAssignment
from fangkong.screening.models import Checkpoint
from fangkong.site.demo import seed_demo

from .test_people_browser import _login

pytestmark = pytest.mark.browser


def _api(live_server, path: str, *, token: str = "", body: dict | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{live_server.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}),
                 **(headers or {})},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.loads(r.read())


# Every module's section inside the panel (which hides what overflows: a section pushed out would vanish unseen), the
# trends drawn, and no scrolling.
_FITS = """() => {
  const panel = document.querySelector('.hall-panel').getBoundingClientRect();
  const out = [...document.querySelectorAll('.hall-panel .hall-section')].filter(s => {
    const r = s.getBoundingClientRect();
    return r.bottom > panel.bottom + 1 || r.right > panel.right + 1;
  }).map(s => s.dataset.module);
  return {out, scrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
          charts: document.querySelectorAll('#hall-trends .trend canvas').length};
}"""


def _fits_the_wall(page) -> None:
    page.locator("#hall-trends .trend canvas").first.wait_for()
    fit = page.evaluate(_FITS)
    assert not fit["scrolls"], "the wall scrolls"
    assert fit["out"] == [], f"sections cut off the wall: {fit['out']}"
    assert fit["charts"] >= 5, fit


def test_hq_sees_an_alert_arrive_and_dispatches_it(browser, live_server, transactional_db, screenshot_dir):
    seed_demo(people=300)
    community = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    street = RoleAssignment.objects.get(user__username="street_officer").jurisdiction
    assert community is not None and street is not None

    wall = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = wall.new_page()
    _login(page, live_server, "hq_admin")
    page.goto(f"{live_server.url}/hall/?wall=1")
    page.locator('[data-key="screening.arrivals_today"]').wait_for()
    page.locator("#hall-map canvas").first.wait_for()  # ECharts drew the district's streets
    _fits_the_wall(page)

    # A high-risk arrival registered through the API reaches the wall by itself (server-sent events).
    token = _api(live_server, "/api/v1/auth/token", body={"username": "checkpoint_staff", "password": "fangkong-demo"})
    checkpoint = Checkpoint.objects.order_by("pk").first()
    first17 = "310115198805060123"[:17]
    _api(
        live_server,
        f"/api/v1/checkpoints/{checkpoint.pk}/passages",
        token=token["token"],
        body={"direction": "in", "document_number": first17 + check_char(first17), "name": "钱来客",
              "origin": "上海市浦东新区", "destination_community": community.pk},
        headers={"Idempotency-Key": "hall-e2e-1"},
    )  # fmt: skip
    alert = page.locator(".alert-item.new", has_text="上海市浦东新区").first  # pushed, not one of the demo's
    alert.wait_for(timeout=5000)
    assert community.name in alert.inner_text() and "钱" not in alert.inner_text()  # no name on the wall
    page.screenshot(path=str(screenshot_dir / "hall-wall-1920.png"))

    # The same wall on a 4K screen: the same layout, type sized to the screen.
    big = browser.new_context(locale="zh-CN", viewport={"width": 3840, "height": 2160})
    big_page = big.new_page()
    _login(big_page, live_server, "hq_admin")
    big_page.goto(f"{live_server.url}/hall/?wall=1")
    big_page.locator('[data-key="screening.arrivals_today"]').wait_for()
    _fits_the_wall(big_page)
    # The wall's clock is the district's time (Asia/Shanghai), whatever zone the screen's computer keeps (UTC here).
    from django.utils import timezone

    from fangkong.core import clock

    before = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    shown = big_page.locator("#hall-clock").inner_text()[:16]
    assert shown in (before, timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")), shown
    big_page.screenshot(path=str(screenshot_dir / "hall-wall-3840.png"))
    big.close()

    # From seeing to acting: dispatched to the destination community, which acknowledges it.
    alert.get_by_role("link", name="派发").click()
    page.get_by_role("button", name="派发任务").wait_for()
    page.screenshot(path=str(screenshot_dir / "hall-dispatch-form.png"), full_page=True)
    page.get_by_role("button", name="派发任务").click()
    page.get_by_text(re.compile("已派发给" + community.name)).wait_for()
    task = Task.objects.get(directive__alert__isnull=False)
    assert task.jurisdiction == community

    worker = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    wpage = worker.new_page()
    _login(wpage, live_server, "grid_worker_a")
    wpage.goto(f"{live_server.url}/command/tasks/{task.pk}/")
    wpage.get_by_role("button", name="签收").click()
    wpage.get_by_text(re.compile("已签收")).first.wait_for()
    page.goto(f"{live_server.url}/hall/")
    followed = page.locator(f'[data-task="{task.pk}"]')
    followed.wait_for()
    assert followed.get_attribute("data-state") == "acknowledged"
    page.screenshot(path=str(screenshot_dir / "hall-desktop-dispatched.png"), full_page=True)

    # The map colours the sealed compound's community (the demo seals one in grid_worker_a's community).
    district = Jurisdiction.objects.get(level="district")
    reply = page.request.get(f"{live_server.url}/hall/map.json?jurisdiction={district.pk}&level=community")
    values = {f["properties"]["id"]: f["properties"]["value"] for f in reply.json()["features"]}
    assert values[community.pk] == 3
    wall.close()
    worker.close()

    # A street officer's hall is their street's, on a phone too.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    spage = phone.new_page()
    _login(spage, live_server, "street_officer")
    spage.goto(f"{live_server.url}/hall/")
    spage.get_by_role("heading", name=re.compile(street.name)).first.wait_for()
    assert spage.request.get(f"{live_server.url}/hall/map.json?jurisdiction={district.pk}").status == 404
    spage.screenshot(path=str(screenshot_dir / "hall-street-phone.png"), full_page=True)
    phone.close()

    # The deputy's desk shows the zone awaiting them as the second officer.
    deputy = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    dpage = deputy.new_page()
    _login(dpage, live_server, "hq_deputy")
    item = dpage.locator('[data-kind="containment.zones"]')
    item.wait_for()
    assert int(item.locator(".desk-count").inner_text()) >= 1
    dpage.screenshot(path=str(screenshot_dir / "desk-hq-deputy.png"), full_page=True)
    deputy.close()
