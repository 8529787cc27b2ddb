"""The inspection walk offline (issue 22): on a workshop floor with no network the inspector marks an item failed
with a note and a photo, passes the other sections in one tap each, and signs; each save waits on the phone and is
sent, in order, when the network is back — recorded once, the photo with it, the signing dated when it was drawn
and its failed item a hazard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from fangkong.core import clock
from fangkong.core.tests import files
from fangkong.registry.models import RoleAssignment
from fangkong.safety.checklists import checklists_for
from fangkong.safety.inspections import inspection_start
from fangkong.safety.models import Hazard, Inspection
from fangkong.site.demo import seed_demo

from .field import field_phone
from .picking import draw_signature
from .test_offline_status_list import _waiting

pytestmark = pytest.mark.browser


def test_a_walk_done_offline_is_recorded_once_when_the_network_is_back(
    browser, live_server, transactional_db, screenshot_dir, tmp_path
):
    seed_demo(people=300)
    regulator = get_user_model().objects.get(username="safety_regulator")
    firm = RoleAssignment.objects.get(user__username="enterprise_officer").unit
    fitting, _others = checklists_for(firm)
    inspection = inspection_start(actor=regulator, enterprise_id=firm.pk, checklist_id=fitting[0].pk)
    phone, page, url = field_phone(browser, live_server, "safety_regulator", f"/safety/inspections/{inspection.pk}/")

    page.goto(url)  # through the worker, which keeps it
    phone.set_offline(True)
    page.goto(url)  # the page kept by the worker
    first = page.locator("fieldset.card").first
    first.get_by_label("不符合").check()
    first.get_by_label("存在的问题").fill("灭火器压力不足")
    photo = tmp_path / "photo.png"
    photo.write_bytes(files.png((64, 48)))
    first.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="保存").last.click()
    _waiting(page, 1)
    assert first.get_by_label("不符合").is_checked()  # what was entered stays on the page
    sections = page.locator("button[name=pass_section]")
    for n in range(sections.count()):
        sections.nth(n).click()
        _waiting(page, 2 + n)
    # The section's other items show as passing, as the kept save will record them.
    items = page.locator("fieldset.card:has(input[type=radio])").count()
    assert page.locator("fieldset.card input[value=pass]:checked").count() == items - 1
    counted = page.locator("#walk-count").inner_text()  # counted on the phone
    assert counted.startswith(f"已在本机记录 {items} / {items} 项")
    draw_signature(page)
    signed = clock.now()
    page.get_by_role("button", name="检查签字").click()
    _waiting(page, 2 + sections.count())
    page.locator("fieldset.card").last.scroll_into_view_if_needed()  # far down the walk: the panel stays in sight
    top = page.locator("#outbox").evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 10
    page.screenshot(path=str(screenshot_dir / "inspection-offline-phone.png"))
    assert not Inspection.objects.get(pk=inspection.pk).results.exists()  # nothing sent yet

    phone.set_offline(False)
    page.wait_for_function("() => !document.querySelector('#outbox [data-waiting]').textContent", timeout=60_000)
    assert not page.locator("#outbox [data-refused] li").count()  # nothing refused
    done = Inspection.objects.get(pk=inspection.pk)
    assert done.results.count() == done.checklist.items.count()
    failed = done.results.get(passed=False)
    assert failed.note == "灭火器压力不足" and failed.photo and failed.hazard is not None
    assert done.signed_at is not None and abs(done.signed_at - signed) < timedelta(seconds=20)
    assert Hazard.objects.filter(pk__in=done.results.values("hazard")).count() == 1  # once, not per send
    page.reload()
    page.locator("img.signature").wait_for()
    assert re.search("已签字", page.locator("main").inner_text())
    phone.close()
