"""Deliveries (issue 20, point 2): requests packed at a stock point for a courier (all or nothing, idempotent),
batched by building with special needs first, confirmed by the recipient — their code at the door or their own
phone —, a cancelled packed request's goods back in stock, late urgent requests on the hall once, each step at /me/,
outsiders refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent, HallAlert
from fangkong.livelihood import deliveries, stock
from fangkong.livelihood.models import Delivery, StockLevel, SupplyLine, SupplyRequest
from fangkong.livelihood.services import (
    supply_request_file,
    supply_request_move,
    volunteer_decide,
    volunteer_sign_up,
)
from fangkong.registry.models import Place

JSON = "application/json"


@pytest.fixture
def station(district):
    stock.goods_create(actor=district.hq, name="大米", unit="袋", category="staple")
    stock.goods_create(actor=district.hq, name="胰岛素", unit="支", category="medicine")
    point = stock.stock_point_create(
        actor=district.worker_a, name="物资站", kind="station", jurisdiction_id=district.a.pk
    )
    stock.stock_move(actor=district.worker_a, point_id=point.pk, item="大米", quantity=10, direction="in")
    stock.stock_move(actor=district.worker_a, point_id=point.pk, item="胰岛素", quantity=3, direction="in")
    return point


@pytest.fixture
def asked(district, seal):
    """person_a's home (building 1 of a compound) sealed; a groceries request and an insulin one (a need)."""
    compound = Place.objects.create(kind="compound", name="锦绣小区", jurisdiction=district.a1, jpath=district.a1.path)
    building = Place.objects.create(
        kind="building", name="1号楼", parent=compound, jurisdiction=district.a1, jpath=district.a1.path
    )
    home = Place.objects.create(
        kind="household", name="101室", parent=building, jurisdiction=district.a1, jpath=district.a1.path
    )
    district.person_a.household = home
    district.person_a.save(update_fields=["household"])
    seal(district.a1)
    me = {"person_ids": [district.person_a.pk], "person_id": district.person_a.pk}
    food = supply_request_file(**me, kind="groceries", items="大米两袋")
    insulin = supply_request_file(**me, kind="medicine", items="胰岛素", need="medicine")
    return food, insulin


def _pack(client, token, point, lines, key=None, **more):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {"point_id": point.pk, "lines": lines, "courier": "张师傅", **more}
    return client.post("/api/v1/deliveries", body, content_type=JSON, **token, **headers)


def test_special_needs_come_first_and_requests_group_by_building(district, asked):
    food, insulin = asked
    waiting = list(deliveries.requests_to_pack(user=district.worker_a))
    assert [r.pk for r in waiting] == [insulin.pk, food.pk]
    batches = deliveries.by_building(waiting)
    assert len(batches) == 1 and batches[0].building.name == "1号楼" and batches[0].first_need


def test_packed_delivered_with_the_code_at_the_door(client, district, asked, station, api_token, resident):
    food, insulin = asked
    token = api_token(district.worker_a)
    lines = [
        {"request_id": food.pk, "item": "大米", "quantity": 2},
        {"request_id": insulin.pk, "item": "胰岛素", "quantity": 1},
    ]
    r = _pack(client, token, station, lines)
    assert r.status_code == 201, r.content
    d = r.json()
    assert (
        d["state"] == "packed" and d["building"] == "1号楼" and sorted(d["requests"]) == sorted([food.pk, insulin.pk])
    )
    assert StockLevel.objects.get(point=station, goods__name="大米").quantity == 8  # out of stock when packed
    page = resident.get("/me/supplies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    food.refresh_from_db()
    code = deliveries.door_code(food)
    assert len(code) == 6 and code in page and "Packed" in page
    assert (
        client.post(
            f"/api/v1/supply-requests/{food.pk}/confirm", {"code": code}, content_type=JSON, **token
        ).status_code
        == 400
    )  # not out yet
    out = client.post(f"/api/v1/deliveries/{d['id']}/dispatch", **token)
    assert out.status_code == 200 and out.json()["state"] == "out"
    wrong = client.post(
        f"/api/v1/supply-requests/{food.pk}/confirm",
        {"code": "000000" if code != "000000" else "111111"},
        content_type=JSON,
        **token,
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_code"
    food.refresh_from_db()
    assert food.code_tries == 1  # counted although the answer was an error
    right = client.post(f"/api/v1/supply-requests/{food.pk}/confirm", {"code": code}, content_type=JSON, **token)
    assert (
        right.status_code == 200 and right.json()["state"] == "delivered" and right.json()["confirmed_with"] == "code"
    )
    assert Delivery.objects.get().state == "out"  # the insulin is still at the door
    resident.post("/me/supplies/", {"action": "received", "request": insulin.pk})
    insulin.refresh_from_db()
    assert insulin.state == "delivered" and insulin.confirmed_with == "phone"
    assert Delivery.objects.get().state == "done"
    steps = deliveries.steps_of(insulin)
    assert all(s.done for s in steps)


def test_five_wrong_codes_lock_the_code(client, district, asked, station, api_token):
    food, _insulin = asked
    token = api_token(district.worker_a)
    d = _pack(client, token, station, [{"request_id": food.pk, "item": "大米", "quantity": 1}]).json()
    client.post(f"/api/v1/deliveries/{d['id']}/dispatch", **token)
    food.refresh_from_db()
    code = deliveries.door_code(food)
    bad = "999999" if code != "999999" else "888888"
    for _ in range(deliveries.MAX_TRIES):
        client.post(f"/api/v1/supply-requests/{food.pk}/confirm", {"code": bad}, content_type=JSON, **token)
    locked = client.post(f"/api/v1/supply-requests/{food.pk}/confirm", {"code": code}, content_type=JSON, **token)
    assert locked.status_code == 400 and locked.json()["code"] == "code_locked"


def test_a_line_beyond_the_stock_refuses_the_whole_batch(client, district, asked, station, api_token):
    food, insulin = asked
    lines = [
        {"request_id": food.pk, "item": "大米", "quantity": 2},
        {"request_id": insulin.pk, "item": "胰岛素", "quantity": 5},  # 3 in stock
    ]
    r = _pack(client, api_token(district.worker_a), station, lines)
    assert r.status_code == 400 and r.json()["code"] == "not_in_stock"
    assert r.json()["errors"][0]["row"] == 2  # the line named
    assert not Delivery.objects.exists() and not SupplyLine.objects.exists()
    assert StockLevel.objects.get(point=station, goods__name="大米").quantity == 10  # nothing taken out
    food.refresh_from_db()
    assert food.state == "received" and food.delivery_id is None


def test_a_retried_pack_is_answered_not_packed_twice(client, district, asked, station, api_token):
    food, _insulin = asked
    token = api_token(district.worker_a)
    lines = [{"request_id": food.pk, "item": "大米", "quantity": 2}]
    first = _pack(client, token, station, lines, key="pack-1")
    again = _pack(client, token, station, lines, key="pack-1")
    assert first.json()["id"] == again.json()["id"] and Delivery.objects.count() == 1
    assert StockLevel.objects.get(point=station, goods__name="大米").quantity == 8
    twice = _pack(client, token, station, lines, key="pack-2")  # a new key, the same request: packed already
    assert twice.status_code == 400 and twice.json()["code"] == "wrong_state"


def test_the_community_cannot_mark_a_packed_request_delivered_and_a_cancel_returns_the_goods(
    client, district, asked, station, api_token
):
    food, _insulin = asked
    token = api_token(district.worker_a)
    _pack(client, token, station, [{"request_id": food.pk, "item": "大米", "quantity": 2}])
    with pytest.raises(FieldError) as refused:
        supply_request_move(actor=district.worker_a, request_id=food.pk, to="delivered")
    assert refused.value.code == "wrong_state"
    supply_request_move(actor=district.worker_a, request_id=food.pk, to="cancelled", note="家属已自行解决")
    assert StockLevel.objects.get(point=station, goods__name="大米").quantity == 10  # back in stock, in the ledger
    assert Delivery.objects.get().state == "done"


def test_a_volunteer_courier_confirms_at_the_door_from_their_phone(client, district, asked, station, api_token):
    from fangkong.conftest import make_person, sign_in_resident

    food, _insulin = asked
    helper = make_person(district.a, district.a2, name="赵志愿", phone="13600001111")
    v = volunteer_sign_up(person_ids=[helper.pk], person_id=helper.pk, skills=["delivery"], availability="全天")
    volunteer_decide(actor=district.worker_a, volunteer_id=v.pk, accept=True)
    token = api_token(district.worker_a)
    d = _pack(
        client, token, station, [{"request_id": food.pk, "item": "大米", "quantity": 1}], courier="",
        courier_volunteer_id=v.pk,
    ).json()  # fmt: skip
    assert d["courier"] == "赵志愿"
    client.post(f"/api/v1/deliveries/{d['id']}/dispatch", **token)
    phone = sign_in_resident("13600001111")
    page = phone.get("/me/volunteer/").content.decode()
    assert "1号楼 101室" in page and "李四" not in page  # the recipient's name masked
    food.refresh_from_db()
    r = phone.post(
        "/me/volunteer/", {"action": "door", "request": food.pk, "code": deliveries.door_code(food)}, follow=True
    )
    assert "Delivered" in r.content.decode()
    food.refresh_from_db()
    assert food.state == "delivered" and food.confirmed_with == "code"
    assert AuditEvent.objects.filter(action="livelihood.supply_delivered", actor_id__isnull=True).exists()


def test_late_urgent_requests_alert_the_hall_once(district, asked):
    _food, insulin = asked
    later = clock.now() + timedelta(hours=5)
    assert deliveries.sweep_late(later) == 1
    assert deliveries.sweep_late(later) == 0
    alert = HallAlert.objects.get(kind=deliveries.LATE_ALERT)
    assert alert.jpath == insulin.jpath and "胰岛素" in alert.subject


def test_outsiders_are_refused(client, district, asked, station, api_token):
    food, _insulin = asked
    outsider = api_token(district.worker_b)
    r = _pack(client, outsider, station, [{"request_id": food.pk, "item": "大米", "quantity": 1}])
    assert r.status_code == 404  # the stock point is not theirs
    d = _pack(client, api_token(district.worker_a), station, [{"request_id": food.pk, "item": "大米", "quantity": 1}])
    assert client.post(f"/api/v1/deliveries/{d.json()['id']}/dispatch", **outsider).status_code == 404
    confirm = client.post(f"/api/v1/supply-requests/{food.pk}/confirm", {"code": "1"}, content_type=JSON, **outsider)
    assert confirm.status_code == 404
    assert client.get("/api/v1/deliveries", **outsider).json()["count"] == 0
    assert district.client(district.worker_b).get("/livelihood/deliveries/").content.decode().count("大米两袋") == 0


def test_the_community_raises_a_request_for_a_household(client, district, api_token):
    token = api_token(district.worker_a)
    body = {"person_id": district.person_a.pk, "kind": "medicine", "items": "透析耗材", "need": "dialysis"}
    r = client.post("/api/v1/supply-requests", body, content_type=JSON, **token)
    assert r.status_code == 201 and r.json()["need"] == "dialysis"
    req = SupplyRequest.objects.get()
    assert req.raised_by == district.worker_a and req.urgent
    far = client.post("/api/v1/supply-requests", body | {"person_id": district.person_b.pk}, content_type=JSON, **token)
    assert far.status_code == 404  # another community's resident: as if nobody


def test_the_page_packs_sends_out_and_confirms(district, asked, station):
    food, insulin = asked
    worker = district.client(district.worker_a)
    page = worker.get("/livelihood/deliveries/").content.decode()
    assert "1号楼" in page and "胰岛素" in page
    rice = stock.goods_all(user=district.worker_a)[0]
    form = {
        "action": "pack", "key": "k", "point_id": station.pk, "courier": "张师傅", "request": [food.pk],
        f"item_{food.pk}_1": rice.pk if rice.name == "大米" else "大米", f"quantity_{food.pk}_1": "2",
    }  # fmt: skip
    r = worker.post("/livelihood/deliveries/", form, follow=True)
    assert "Packed 1 requests" in r.content.decode() or "Packed 1" in r.content.decode()
    d = Delivery.objects.get()
    worker.post("/livelihood/deliveries/", {"action": "dispatch", "delivery": d.pk})
    food.refresh_from_db()
    r = worker.post("/livelihood/deliveries/", {"action": "confirm", "request": food.pk, "code": "12"})
    assert r.status_code == 400 and r.context["error"].code == "wrong_code"
    worker.post(
        "/livelihood/deliveries/", {"action": "confirm", "request": food.pk, "code": deliveries.door_code(food)}
    )
    food.refresh_from_db()
    assert food.state == "delivered"
    assert Decimal(SupplyLine.objects.get(request=food).quantity) == 2
    assert insulin.delivery_id is None
