"""Issue 20's journey in Chromium: a household of the sealed compound asks for rice and insulin on its phone; the
community packs them at its station for a volunteer on shift; the volunteer, at the door, enters the code the
household gives; the station's stock goes down; the household sees its supplies delivered; and a price above its
margin at a market, recorded by the market regulator on a phone, opens a case on the regulator's list.

Every page is checked by axe-core (WCAG 2 A/AA) and for English words left in its main part, and what the
Content-Security-Policy refuses or a script throws fails the test (the epidemiology journey's `Journey`); the
household and the volunteer sign in at /me/login/ with the code the demo's text messages carry. Screenshots go to
test-output/screenshots/live-NN-<step>-<size>.png.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from fangkong.containment.models import Zone
from fangkong.containment.zones import people_in_zone_ids
from fangkong.core import pii
from fangkong.core.sms import LogChannel
from fangkong.livelihood.models import PriceCase, PriceItem, StockLevel, StockPoint, SupplyRequest, Volunteer
from fangkong.registry.models import Person
from fangkong.site.demo import seed_demo

from .test_epidemiology_journey import SIZES, Journey

pytestmark = pytest.mark.browser


class Livelihood(Journey):
    def shot(self, number: int, name: str, size: str, page) -> None:
        page.screenshot(path=str(self.shots / f"live-{number:02d}-{name}-{size}.png"), full_page=True)

    def resident(self, phone: str, size: str = "phone"):
        """A resident signed in at /me/login/ with the code texted to them (the demo's log channel)."""
        key = (f"resident:{phone}", size)
        if key not in self.pages:
            context = self.browser.new_context(locale="zh-CN", **SIZES[size])
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda e, page=page: self.refused.append(f"{page.url}: {e}"))
            page.goto(f"{self.url}/me/login/")
            sent = len(LogChannel.sent)
            page.get_by_label(re.compile("手机号")).fill(phone)
            page.get_by_role("button", name=re.compile("获取验证码")).click()
            page.get_by_label(re.compile("^验证码$")).wait_for()
            code = re.search(r"\d{6}", LogChannel.sent[sent][1]).group(0)  # type: ignore[union-attr]
            page.get_by_label(re.compile("^验证码$")).fill(code)
            page.get_by_role("button", name=re.compile("^登录$")).click()
            page.wait_for_url(re.compile(r"/me/$"))
            self.pages[key] = (context, page)
        return self.pages[key][1]


def _phone_of(person: Person) -> str:
    return pii.decrypt(person.phone_cipher)


def _only_phone(people) -> Person:
    """Someone whose phone number is theirs alone (a shared phone signs in for the household)."""
    for person in people:
        if person.phone_cipher and Person.objects.filter(phone_hash=person.phone_hash).count() == 1:
            return person
    raise AssertionError("nobody with a phone number of their own")


def test_a_sealed_household_is_supplied_by_a_volunteer_and_a_price_opens_a_case(
    browser, live_server, transactional_db, screenshot_dir
):
    with translation.override("zh-hans"):
        seed_demo(people=300)
    for old in screenshot_dir.glob("live-*.png"):
        old.unlink()
    sealed = Zone.objects.filter(state=Zone.State.ACTIVE, level__colour="red").first()
    assert sealed is not None
    household = _only_phone(Person.objects.filter(pk__in=people_in_zone_ids(sealed)).order_by("pk"))
    volunteer = Volunteer.objects.get(state=Volunteer.State.ACCEPTED)  # the demo's, on a shift now
    station = StockPoint.objects.get(kind=StockPoint.Kind.STATION)
    insulin_before = StockLevel.objects.get(point=station, goods__name="胰岛素").quantity
    j = Livelihood(browser, live_server.url, screenshot_dir)
    try:
        # 1. The household asks, on its phone.
        home = j.resident(_phone_of(household))
        home.goto(f"{j.url}/me/supplies/")
        j.check(home, what="supplies form (household, phone)")
        if home.locator("select[name=person]").count():
            home.locator("select[name=person]").select_option(str(household.pk))
        home.get_by_label("需要的物资").fill("大米一袋、胰岛素两支")
        home.get_by_label("特殊需求（优先配送）").select_option("medicine")
        home.get_by_role("button", name="提交需求").click()
        home.get_by_text("大米一袋、胰岛素两支").first.wait_for()
        j.shot(1, "asked", "phone", home)
        asked = SupplyRequest.objects.get(items="大米一袋、胰岛素两支")
        assert asked.need == "medicine" and asked.urgent

        # 2. The community packs it at its station for the volunteer on shift, and sends them out.
        desk = j.open("grid_worker_a", "desk", "/livelihood/deliveries/", what="deliveries to pack")
        wanted = desk.locator("fieldset", has_text="大米一袋、胰岛素两支")
        assert "药品" in wanted.inner_text()  # the special need shown
        wanted.locator("select").nth(0).select_option(label="大米 (袋)")
        wanted.locator("input[inputmode=decimal]").nth(0).fill("1")
        wanted.locator("select").nth(1).select_option(label="胰岛素 (支)")
        wanted.locator("input[inputmode=decimal]").nth(1).fill("2")
        batch = desk.locator("form", has=wanted)
        batch.get_by_label("出库储备点").select_option(label=station.name)
        batch.get_by_label("志愿者配送").select_option(label=volunteer.person.name)
        batch.get_by_role("button", name="打包").click()
        desk.get_by_text(f"已为{volunteer.person.name}打包").wait_for()
        j.check(desk, what="packed (grid_worker_a, desk)")
        asked.refresh_from_db()
        assert asked.delivery is not None and asked.delivery.courier_volunteer == volunteer
        insulin_now = StockLevel.objects.get(point=station, goods__name="胰岛素").quantity
        assert insulin_now == insulin_before - 2  # out of the station's stock when packed
        desk.locator("div.card", has_text="胰岛素 2支").get_by_role("button", name="配送人出发").click()
        desk.get_by_text("已出发").first.wait_for()
        j.shot(2, "packed-and-out", "desk", desk)

        # 3. At the door: the household shows its code, the volunteer enters it on their phone.
        home.goto(f"{j.url}/me/supplies/")
        card = home.locator("li.card", has_text="大米一袋、胰岛素两支")
        code = card.locator("strong.figure").inner_text().strip()
        assert re.fullmatch(r"\d{6}", code)
        j.check(home, what="the door code (household, phone)")
        j.shot(3, "door-code", "phone", home)
        courier = j.resident(_phone_of(volunteer.person))
        courier.goto(f"{j.url}/me/volunteer/")
        j.check(courier, what="doors to deliver to (volunteer, phone)")
        door = courier.locator("li.card").filter(has=courier.locator("input[name=code]")).first
        assert household.name not in door.inner_text()  # the recipient's name masked
        door.locator("input[name=code]").fill(code)
        door.get_by_role("button", name="已送达").click()
        courier.get_by_text("已送达").first.wait_for()
        j.shot(4, "delivered", "phone", courier)
        asked.refresh_from_db()
        assert asked.state == "delivered" and asked.confirmed_with == "code"

        # 4. The household sees it delivered.
        home.reload()
        assert "已送达" in home.locator("li.card", has_text="大米一袋、胰岛素两支").inner_text()
        j.shot(5, "household-sees-delivered", "phone", home)

        # 5. A price above its margin at a market opens a case for the market regulator.
        record = j.open("market_regulator", "phone", "/livelihood/prices/record/", what="record a price")
        record.get_by_label("市场或商店").select_option(index=2)
        record.locator("select[name=item_id]").select_option(str(PriceItem.objects.get(name="鸡蛋").pk))
        record.get_by_label("标价（元）").fill("9.80")
        record.locator("form button.primary").click()
        record.get_by_text("超过上限价").first.wait_for()
        j.shot(6, "price-over-ceiling", "phone", record)
        case = PriceCase.objects.filter(item__name="鸡蛋").get()
        assert case.state == "open" and case.observations.get().price == Decimal("9.80")
        cases = j.open("market_regulator", "desk", "/livelihood/prices/cases/", what="price cases")
        assert "鸡蛋" in cases.locator("main").inner_text()
        j.shot(7, "price-cases", "desk", cases)
    finally:
        j.close()
    assert not j.refused, j.refused
    assert not j.english, j.english
    assert not j.axe_found, "\n".join(j.axe_found)
    assert j.checked >= 6, j.checked
