"""The venue door on a staff phone (issue 22): online each visitor's code is answered by the server and the visit
recorded; offline the page answers from the signed status list it keeps — a marked code is not let through, never
"let through" — and keeps the visit with the time it was read; back online each visit is recorded once, at its
time, and the one not let through comes back to the panel to act on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fangkong.containment import status_list
from fangkong.containment.models import Colour, PersonStatus, VenueScan
from fangkong.core import clock
from fangkong.registry.codes import person_code
from fangkong.registry.models import Person
from fangkong.site.demo import seed_demo

from .field import field_phone
from .test_offline_status_list import KEPT, _red_people, _waiting

pytestmark = pytest.mark.browser


def _scan(page, code: str) -> None:
    page.get_by_label(re.compile("访客个人码|personal code", re.I)).fill(code)
    page.get_by_role("button", name=re.compile("核验并登记|Check and record")).click()


def test_the_door_answers_offline_from_the_list_and_each_visit_counts_once_at_its_time(
    browser, live_server, transactional_db, screenshot_dir
):
    seed_demo(people=300)
    hq = Person.objects.model._meta.apps.get_model("auth", "User").objects.get(username="hq_admin")
    (red,) = _red_people(1)
    marked = PersonStatus.objects.exclude(colour=Colour.GREEN).values_list("person_id", flat=True)
    greens = list(Person.objects.exclude(pk__in=marked).order_by("pk")[:2])  # settled by the build: green
    codes = {p.pk: person_code(actor=hq, person_id=p.pk) for p in (red, *greens)}
    status_list.status_list_build()  # with the codes just issued
    phone, page, url = field_phone(browser, live_server, "venue_staff", "/containment/venues/door/")
    assert re.search(r"/containment/venues/door/\d+/$", url)  # the one venue opened at once
    page.wait_for_function(KEPT)

    _scan(page, codes[greens[0].pk])  # online: the server answers and records
    result = page.locator("#result")
    result.wait_for()
    assert "放行" in result.inner_text() and result.get_attribute("data-colour") == "green"
    assert VenueScan.objects.count() == 1

    phone.set_offline(True)
    page.goto(url)  # the page kept by the worker
    page.wait_for_function("() => document.querySelector('[data-list-state]').textContent.indexOf('签名已核验') > 0")
    taken = clock.now()
    _scan(page, codes[red.pk])
    card = page.locator("#offline-result")
    card.wait_for(state="visible")
    assert "禁止通行" in card.inner_text() and "状态名单" in card.inner_text()
    _waiting(page, 1)
    page.screenshot(path=str(screenshot_dir / "venue-door-offline-phone.png"), full_page=True)
    _scan(page, codes[greens[1].pk].lower())  # typed in lower case: the same code
    page.wait_for_function("() => document.querySelector('#offline-result').textContent.indexOf('放行') >= 0")
    _waiting(page, 2)

    phone.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox [data-refused] li').length === 1 &&"
        " !document.querySelector('#outbox [data-waiting]').textContent",
        timeout=30_000,
    )
    assert "禁止通行" in page.locator("#outbox [data-refused]").inner_text()  # to act on: not let through
    page.screenshot(path=str(screenshot_dir / "venue-door-sent-phone.png"), full_page=True)
    scans = {s.person_id: s for s in VenueScan.objects.all()}
    assert set(scans) == {red.pk, greens[0].pk, greens[1].pk}  # each once
    assert scans[red.pk].colour == "red" and abs(scans[red.pk].at - taken) < timedelta(seconds=20)
    phone.close()
