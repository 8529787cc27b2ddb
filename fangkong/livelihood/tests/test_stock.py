"""Stock points and goods (issue 20, point 1): set up within reach, goods in and out with the ledger, never below
zero, a retried movement counted once, shortages flagged by threshold and by requests waiting too long."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core import clock
from fangkong.core.errors import Code, FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.livelihood import stock
from fangkong.livelihood.models import StockLevel, StockMovement, SupplyRequest

JSON = "application/json"


@pytest.fixture
def goods(district):
    rice = stock.goods_create(actor=district.hq, name="大米", unit="袋", category="staple")
    insulin = stock.goods_create(actor=district.hq, name="胰岛素", unit="支", category="medicine")
    return rice, insulin


@pytest.fixture
def station(district, goods):
    return stock.stock_point_create(
        actor=district.worker_a, name="甲社区物资站", kind="station", jurisdiction_id=district.a.pk
    )


def _move(client, token, point_id, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/stock-points/{point_id}/movements", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **token,
        **headers,
    )  # fmt: skip


def test_goods_in_and_out_keep_the_ledger_and_the_level(client, district, goods, station, api_token):
    rice, _insulin = goods
    token = api_token(district.worker_a)
    r = _move(client, token, station.pk, {"item": "大米", "quantity": 100, "direction": "in", "note": "粮油公司"})
    assert r.status_code == 201, r.content
    assert Decimal(r.json()["quantity"]) == 100 and r.json()["unit"] == "袋"
    r = _move(client, token, station.pk, {"item": rice.pk, "quantity": "30.5", "direction": "out"})
    assert Decimal(r.json()["quantity"]) == Decimal("69.5")
    shown = client.get(f"/api/v1/stock-points/{station.pk}/stock", **token).json()["items"]
    assert [(i["item"], i["unit"], Decimal(i["quantity"])) for i in shown] == [("大米", "袋", Decimal("69.5"))]
    ledger = client.get(f"/api/v1/stock-points/{station.pk}/movements", **token).json()
    assert ledger["count"] == 2
    assert [(m["direction"], m["reason"], Decimal(m["balance"])) for m in ledger["items"]] == [
        ("out", "delivery", Decimal("69.5")),
        ("in", "supplier", Decimal("100")),
    ]
    assert AuditEvent.objects.filter(action="livelihood.stock_out", object_id=str(station.pk)).exists()


def test_out_beyond_the_stock_is_refused_and_changes_nothing(client, district, goods, station, api_token):
    token = api_token(district.worker_a)
    _move(client, token, station.pk, {"item": "大米", "quantity": 5, "direction": "in"})
    r = _move(client, token, station.pk, {"item": "大米", "quantity": 6, "direction": "out"})
    assert r.status_code == 400 and r.json()["code"] == "not_in_stock"
    assert r.json()["errors"][0]["field"] == "quantity" and "5" in r.json()["detail"]
    assert StockLevel.objects.get(point=station).quantity == 5
    assert StockMovement.objects.filter(point=station).count() == 1
    # Nothing of insulin was ever in: none goes out either.
    r = _move(client, token, station.pk, {"item": "胰岛素", "quantity": 1, "direction": "out"})
    assert r.json()["code"] == "not_in_stock"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"item": "大米", "quantity": -3, "direction": "in"}, "quantity", Code.OUT_OF_RANGE),
        ({"item": "大米", "quantity": 0, "direction": "in"}, "quantity", Code.OUT_OF_RANGE),
        ({"item": "大米", "quantity": "1.005", "direction": "in"}, "quantity", Code.INVALID),
        ({"item": "大米", "quantity": 2_000_000_000, "direction": "in"}, "quantity", Code.OUT_OF_RANGE),
        ({"item": "黄金", "quantity": 1, "direction": "in"}, "item", Code.NOT_FOUND),
        ({"item": "大米", "quantity": 1, "direction": "sideways"}, "direction", Code.UNKNOWN_CHOICE),
        ({"item": "大米", "quantity": 1, "direction": "in", "reason": "delivery"}, "reason", Code.UNKNOWN_CHOICE),
    ],
)
def test_bad_movements_are_named_and_write_nothing(client, district, goods, station, api_token, body, field, code):
    r = _move(client, api_token(district.worker_a), station.pk, body)
    assert r.status_code == 400 and (r.json()["errors"][0]["field"], r.json()["code"]) == (field, code)
    assert not StockMovement.objects.exists()


def test_a_retried_movement_is_counted_once(client, district, goods, station, api_token):
    token = api_token(district.worker_a)
    body = {"item": "大米", "quantity": 10, "direction": "in"}
    first = _move(client, token, station.pk, body, key="move-1")
    again = _move(client, token, station.pk, body, key="move-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert StockLevel.objects.get(point=station).quantity == 10
    assert StockMovement.objects.count() == 1


def test_a_community_sees_and_works_its_own_points_only(client, district, goods, station, api_token):
    other = stock.stock_point_create(
        actor=district.worker_b, name="乙社区物资站", kind="station", jurisdiction_id=district.b.pk
    )
    listed = client.get("/api/v1/stock-points", **api_token(district.worker_a)).json()
    assert [p["name"] for p in listed["items"]] == ["甲社区物资站"]
    assert listed["items"][0]["jurisdiction"]["id"] == district.a.pk
    token = api_token(district.worker_a)
    assert client.get(f"/api/v1/stock-points/{other.pk}/stock", **token).status_code == 404
    assert client.get(f"/api/v1/stock-points/{other.pk}/movements", **token).status_code == 404
    r = _move(client, token, other.pk, {"item": "大米", "quantity": 1, "direction": "in"})
    assert r.status_code == 404
    # HQ sees both; the street sees its communities'.
    everything = client.get("/api/v1/stock-points", **api_token(district.hq)).json()["items"]
    assert {p["name"] for p in everything} == {"甲社区物资站", "乙社区物资站"}
    # Setting one up beyond reach is refused naming the jurisdiction.
    with pytest.raises(FieldError) as refused:
        stock.stock_point_create(actor=district.worker_a, name="越权", kind="station", jurisdiction_id=district.b.pk)
    assert refused.value.field == "jurisdiction_id"


def test_an_outsider_is_refused_everywhere(client, district, goods, station, api_token):
    token = api_token(district.unit_staff)  # a lab's staff: no livelihood work anywhere
    assert client.get("/api/v1/stock-points", **token).json()["items"] == []
    assert client.get(f"/api/v1/stock-points/{station.pk}/stock", **token).status_code == 403
    assert client.get("/api/v1/goods", **token).status_code == 403
    assert _move(client, token, station.pk, {"item": "大米", "quantity": 1, "direction": "in"}).status_code == 403
    r = client.post("/api/v1/goods", {"name": "面粉", "unit": "袋"}, content_type=JSON, **api_token(district.worker_a))
    assert r.status_code == 403  # the district's list is HQ's
    page = district.client(district.unit_staff)
    assert page.get("/livelihood/stock/").status_code == 404
    assert page.get(f"/livelihood/stock/{station.pk}/").status_code == 404


def test_goods_and_points_refuse_duplicates_and_blanks(district, goods):
    with pytest.raises(FieldError) as dup:
        stock.goods_create(actor=district.hq, name="大米", unit="袋")
    assert (dup.value.field, dup.value.code) == ("name", Code.DUPLICATE)
    with pytest.raises(FieldError) as blank:
        stock.goods_create(actor=district.hq, name="面粉", unit=" ")
    assert (blank.value.field, blank.value.code) == ("unit", Code.REQUIRED)
    with pytest.raises(Forbidden):
        stock.goods_create(actor=district.worker_a, name="面粉", unit="袋")
    stock.stock_point_create(actor=district.hq, name="区储备库", kind="warehouse", jurisdiction_id=district.d.pk)
    with pytest.raises(FieldError) as again:
        stock.stock_point_create(actor=district.hq, name="区储备库", kind="warehouse", jurisdiction_id=district.d.pk)
    assert (again.value.field, again.value.code) == ("name", Code.DUPLICATE)


def test_shortages_below_the_threshold_and_requests_waiting_too_long(client, district, goods, station, api_token):
    token = api_token(district.worker_a)
    _move(client, token, station.pk, {"item": "大米", "quantity": 8, "direction": "in"})
    r = client.post(
        f"/api/v1/stock-points/{station.pk}/thresholds", {"item": "大米", "threshold": 20}, content_type=JSON, **token
    )
    assert r.status_code == 200 and r.json()["short"] is True
    point = client.get("/api/v1/stock-points", **token).json()["items"][0]
    assert (point["kinds"], point["short"], point["waiting"]) == (1, 1, 0)
    SupplyRequest.objects.create(
        person=district.person_a, kind="groceries", items="米", jpath=district.person_a.jpath,
        created_at=clock.now() - timedelta(hours=30),
    )  # fmt: skip
    point = client.get("/api/v1/stock-points", **token).json()["items"][0]
    assert point["waiting"] == 1
    assert AuditEvent.objects.filter(action="livelihood.stock_threshold").exists()


def test_the_pages_record_movements_once_and_say_what_happened(district, goods, station):
    page = district.client(district.worker_a)
    listing = page.get("/livelihood/stock/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "甲社区物资站" in listing
    form = page.get(f"/livelihood/stock/{station.pk}/")
    key = form.context["key"]
    rice = goods[0]
    body = {"action": "move", "key": key, "direction": "in", "item": rice.pk, "quantity": "12"}
    r = page.post(f"/livelihood/stock/{station.pk}/", body, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "12 袋" in next(str(m) for m in r.context["messages"])
    page.post(f"/livelihood/stock/{station.pk}/", body)  # the same form sent twice
    assert StockLevel.objects.get(point=station).quantity == 12
    bad = page.post(f"/livelihood/stock/{station.pk}/", {**body, "key": "k2", "direction": "out", "quantity": "99"})
    assert bad.status_code == 400 and 'data-code="not_in_stock"' in bad.content.decode()
    made = page.post(
        "/livelihood/stock/",
        {"action": "point", "name": "甲社区二站", "kind": "station", "jurisdiction_id": district.a.pk},
    )
    assert made.status_code == 302


def test_a_short_point_is_on_the_hall_and_the_desk(client, district, goods, station):
    from fangkong.core import desk, hall

    stock.stock_move(actor=district.worker_a, point_id=station.pk, item="大米", quantity=10, direction="in")
    stock.stock_threshold_set(actor=district.worker_a, point_id=station.pk, item="大米", threshold=5)

    def shown(user, j):
        sections = hall.sections_for(user, hall.Area(j.pk, j.name, j.path, j.level), clock.now())
        figures = {f.key: f.value for section in sections for f in section.figures}
        todos = {t.kind: t.count for t in desk.todos_for(user)}
        return figures.get("stock_short"), todos.get("livelihood.stock")

    assert shown(district.worker_a, district.a) == (0, 0)
    stock.stock_move(actor=district.worker_a, point_id=station.pk, item="大米", quantity=6, direction="out")
    assert shown(district.worker_a, district.a) == (1, 1) and shown(district.hq, district.d) == (1, 1)
    assert shown(district.worker_b, district.b) == (0, 0)  # another community's point is not theirs to restock
