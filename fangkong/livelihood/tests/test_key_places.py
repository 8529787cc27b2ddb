"""Key places and venue control (issue 20, point 6): registered with kind, operator and supervising department;
inspected on a phone against the district's checklist, each failure a finding to put right by its deadline; places
failing again and again visible to their department; closed or limited by order, shown on the venue-code poster;
outsiders refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.livelihood import places
from fangkong.livelihood.models import KeyPlace, PlaceInspection, PlaceRectification
from fangkong.registry.models import Unit

JSON = "application/json"
ALL_PASS = {c: "pass" for c in ("scan", "temperature", "ventilation", "distance", "masks")}


@pytest.fixture
def setting(district):
    commerce = Unit.objects.create(
        kind="department", name="区商务局", code="D-COM", jurisdiction=district.d, jpath=district.d.path
    )
    police = Unit.objects.create(
        kind="department", name="公安分局", code="D-POL", jurisdiction=district.d, jpath=district.d.path
    )
    market = Unit.objects.create(
        kind="venue", name="园丁农贸市场", code="V1", jurisdiction=district.a, jpath=district.a.path
    )
    other = Unit.objects.create(
        kind="venue", name="胜利超市", code="V2", jurisdiction=district.b, jpath=district.b.path
    )
    inspector = make_user("commerce", "place_inspector", unit=commerce)
    stranger = make_user("police", "place_inspector", unit=police)
    place = places.place_register(
        actor=district.worker_a,
        venue_id=market.pk,
        kind="market",
        operator="园丁市场管理公司",
        supervisor_id=commerce.pk,
    )
    return place, other, inspector, stranger


def test_an_inspection_walks_the_checklist_and_failures_become_findings(client, district, setting, api_token):
    place, _other, inspector, _stranger = setting
    token = api_token(inspector)
    items = client.get("/api/v1/place-check-items", **token).json()
    assert [i["code"] for i in items] == ["scan", "temperature", "ventilation", "distance", "masks"]
    walk = {
        "results": ALL_PASS | {"masks": "fail", "distance": "fail"},
        "notes": {"masks": "收银员未戴口罩", "distance": "无一米线"},
    }
    r = client.post(f"/api/v1/key-places/{place.pk}/inspections", walk, content_type=JSON, **token)
    assert r.status_code == 201, r.content
    assert r.json()["failed"] == 2 and len(r.json()["rectifications"]) == 2
    fixes = {f.item: f for f in PlaceRectification.objects.all()}
    assert fixes["masks"].deadline - PlaceInspection.objects.get().at == timedelta(days=1)
    assert fixes["distance"].deadline - PlaceInspection.objects.get().at == timedelta(days=3)
    shown = client.get(f"/api/v1/key-places/{place.pk}", **token).json()
    assert (shown["failed_recently"], shown["open_fixes"], shown["overdue"]) == (1, 2, 0)
    close = client.post(
        f"/api/v1/place-rectifications/{fixes['masks'].pk}/close", {"note": "已整改"}, content_type=JSON, **token
    )
    assert close.status_code == 200 and close.json()["done_at"]
    assert AuditEvent.objects.filter(action="livelihood.place_inspect").exists()


@pytest.mark.parametrize(
    ("walk", "field"),
    [
        ({"results": {k: v for k, v in ALL_PASS.items() if k != "scan"}}, "result_scan"),
        ({"results": ALL_PASS | {"masks": "fail"}}, "note_masks"),  # a failure needs what was found
        ({"results": ALL_PASS | {"masks": "maybe"}}, "result_masks"),
        ({"results": ALL_PASS | {"karaoke": "pass"}}, "results"),
    ],
)
def test_an_incomplete_walk_writes_nothing(client, district, setting, api_token, walk, field):
    place, *_ = setting
    r = client.post(
        f"/api/v1/key-places/{place.pk}/inspections", walk, content_type=JSON, **api_token(district.worker_a)
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == field
    assert not PlaceInspection.objects.exists() and not PlaceRectification.objects.exists()


def test_repeated_failures_stand_out_for_the_department(district, setting):
    place, _other, inspector, _stranger = setting
    failing = ALL_PASS | {"scan": "fail"}
    places.place_inspect(actor=district.worker_a, place_id=place.pk, results=failing, notes={"scan": "未扫码"})
    row = places.place_rows([place])[0]
    assert not row.repeated
    places.place_inspect(actor=inspector, place_id=place.pk, results=failing, notes={"scan": "仍未扫码"})
    row = places.place_rows([place])[0]
    assert row.repeated and row.failed_recently == 2
    with clock.frozen_at(clock.now() + timedelta(days=2)):
        assert places.place_rows([place])[0].overdue == 2  # one day to fix a scan
    page = district.client(inspector).get("/livelihood/places/").content.decode()
    assert "failed 2 inspections in 30 days" in page


def test_the_department_closes_or_limits_and_the_poster_says_so(client, district, setting, api_token):
    from fangkong.containment.poster_notices import notices_for

    place, _other, inspector, _stranger = setting
    token = api_token(inspector)
    no_reason = client.post(f"/api/v1/key-places/{place.pk}/order", {"state": "closed"}, content_type=JSON, **token)
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    no_capacity = client.post(
        f"/api/v1/key-places/{place.pk}/order", {"state": "limited", "note": "限流"}, content_type=JSON, **token
    )
    assert no_capacity.status_code == 400 and no_capacity.json()["errors"][0]["field"] == "capacity"
    limit = {"state": "limited", "capacity": 80, "note": "限流80人"}
    r = client.post(f"/api/v1/key-places/{place.pk}/order", limit, content_type=JSON, **token)
    assert r.status_code == 200 and r.json()["state"] == "limited" and r.json()["capacity"] == 80
    assert notices_for(place.venue) and notices_for(place.venue)[0][0] == "caution"
    places.place_order(actor=inspector, place_id=place.pk, state="closed", note="连续检查不合格，停业整顿")
    tone, words = notices_for(place.venue)[0]
    assert tone == "stop" and "停业整顿" in words
    with pytest.raises(Forbidden):  # the community inspects but does not order
        places.place_order(actor=district.worker_a, place_id=place.pk, state="open", note="x")
    places.place_order(actor=district.hq, place_id=place.pk, state="open", note="整改完毕，恢复营业")
    assert notices_for(place.venue) == []


def test_others_do_not_see_it(client, district, setting, api_token):
    place, other, _inspector, stranger = setting
    for user in (stranger, district.worker_b):
        token = api_token(user)
        assert client.get(f"/api/v1/key-places/{place.pk}", **token).status_code == 404
        walk = {"results": ALL_PASS}
        assert (
            client.post(f"/api/v1/key-places/{place.pk}/inspections", walk, content_type=JSON, **token).status_code
            == 404
        )
        assert client.get("/api/v1/key-places", **token).json()["count"] == 0
    with pytest.raises(FieldError) as far:  # a venue of another community
        places.place_register(actor=district.worker_a, venue_id=other.pk, kind="supermarket")
    assert far.value.code == "not_found"
    with pytest.raises(FieldError) as twice:
        places.place_register(actor=district.worker_a, venue_id=place.venue_id, kind="market")
    assert twice.value.code == "duplicate"


def test_the_page_walks_the_inspection_on_a_phone(district, setting):
    place, *_ = setting
    page = district.client(district.worker_a)
    form = {"action": "inspect", **{f"result_{k}": v for k, v in ALL_PASS.items()}, "result_masks": "fail"}
    missing = page.post(f"/livelihood/places/{place.pk}/", form)
    assert missing.status_code == 400 and missing.context["error"].field == "note_masks"
    r = page.post(f"/livelihood/places/{place.pk}/", form | {"note_masks": "保洁员未戴口罩"}, follow=True)
    body = r.content.decode()
    assert "1 items failed" in body or "items failed" in body
    assert "保洁员未戴口罩" in body and KeyPlace.objects.get().rectifications.count() == 1


def test_hq_keeps_the_checklist_and_inspections_follow_it(client, district, setting, api_token):
    place, _other, inspector, _stranger = setting
    body = {"code": "queue", "text": "排队人员间隔一米以上", "days_to_fix": 2}
    refused = client.post("/api/v1/place-check-items", body, content_type=JSON, **api_token(district.worker_a))
    assert refused.status_code == 403
    token = api_token(district.hq)
    added = client.post("/api/v1/place-check-items", body, content_type=JSON, **token)
    assert added.status_code == 200 and added.json()["code"] == "queue"
    with pytest.raises(FieldError) as missing:  # the new line is asked now
        places.place_inspect(actor=inspector, place_id=place.pk, results=ALL_PASS)
    assert missing.value.field == "result_queue"
    off = client.post("/api/v1/place-check-items", body | {"active": False}, content_type=JSON, **token)
    assert off.status_code == 200
    assert places.place_inspect(actor=inspector, place_id=place.pk, results=ALL_PASS).failed == 0
    bad = client.post("/api/v1/place-check-items", {"code": "排队", "text": "x"}, content_type=JSON, **token)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"
    page = district.client(district.hq).get("/livelihood/places/").content.decode()
    assert "排队人员间隔一米以上" in page and "no longer asked" in page


def test_a_new_line_from_the_page_needs_no_code(district, setting):
    hq = district.client(district.hq)
    r = hq.post(
        "/livelihood/places/",
        {"action": "item", "code": "", "text": "电梯按钮定时消毒", "days_to_fix": "2", "active": "on"},
    )
    assert r.status_code == 302
    item = places.checklist()[-1]
    assert item.text == "电梯按钮定时消毒" and item.code.startswith("item") and item.days_to_fix == 2
    page = hq.get("/livelihood/places/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert item.code not in page.split("<main")[1].replace(f'value="{item.code}"', "")  # no code shown as text
