"""The livelihood API: the community works its supply requests and volunteers; the market regulator its price
reports; the public reports without an account; outsiders are refused."""

from __future__ import annotations

from django.test import Client

from fangkong.livelihood.services import supply_request_file, volunteer_sign_up

JSON = "application/json"


def test_supply_requests_and_volunteers_over_the_api(client, district, seal, api_token):
    seal(district.a1)
    ids = [district.person_a.pk]
    r = supply_request_file(
        person_ids=ids, person_id=district.person_a.pk, kind="medicine", items="胰岛素", urgent=True
    )
    worker = api_token(district.worker_a)
    page = client.get("/api/v1/livelihood/supply-requests", **worker).json()
    assert page["count"] == 1 and page["items"][0]["urgent"] and page["items"][0]["person"]["name"] == "李四"
    moved = client.post(
        f"/api/v1/livelihood/supply-requests/{r.pk}/transition", {"to": "delivered"}, content_type=JSON, **worker
    )
    assert moved.status_code == 200 and moved.json()["state"] == "delivered"
    outsider = api_token(district.worker_b)
    assert client.get("/api/v1/livelihood/supply-requests", **outsider).json()["count"] == 0
    again = client.post(
        f"/api/v1/livelihood/supply-requests/{r.pk}/transition", {"to": "cancelled", "note": "x"},
        content_type=JSON, **outsider,
    )  # fmt: skip
    assert again.status_code == 404
    v = volunteer_sign_up(person_ids=[district.person_b.pk], person_id=district.person_b.pk, skills=["testing"],
                          availability="周末")  # fmt: skip
    assert client.get("/api/v1/livelihood/volunteers", **worker).json() == []  # B's volunteer
    decided = client.post(
        f"/api/v1/livelihood/volunteers/{v.pk}/decide", {"accept": True}, content_type=JSON, **outsider
    )
    assert decided.status_code == 200 and decided.json()["state"] == "accepted"  # B's worker decides
    assert client.post(
        f"/api/v1/livelihood/volunteers/{v.pk}/decide", {"accept": True}, content_type=JSON, **worker
    ).status_code == 404  # fmt: skip


def test_price_reports_over_the_api(client, district, market, api_token):
    anon = Client()
    r = anon.post(
        "/api/v1/public/price-reports",
        {"shop": "超市", "place": "兴隆大街", "goods": "鸡蛋", "description": "一斤二十元", "name": "张三",
         "phone": "13800002222"},
        content_type=JSON,
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["anonymous"] is False and "phone" not in r.json()
    bad = anon.post("/api/v1/public/price-reports", {"shop": "", "place": "x", "goods": "y", "description": "涨价很多"},
                    content_type=JSON)  # fmt: skip
    assert bad.status_code == 400 and (bad.json()["errors"][0]["field"], bad.json()["code"]) == ("shop", "required")
    reg = api_token(market)
    rows = client.get("/api/v1/livelihood/price-reports", **reg).json()
    assert len(rows) == 1 and "13800002222" not in str(rows)
    d = client.post(
        f"/api/v1/livelihood/price-reports/{rows[0]['id']}/decide", {"confirmed": False, "outcome": "价格正常"},
        content_type=JSON, **reg,
    )  # fmt: skip
    assert d.status_code == 200 and d.json()["state"] == "dismissed"
    again = client.post(
        f"/api/v1/livelihood/price-reports/{rows[0]['id']}/decide", {"confirmed": True, "outcome": "复查"},
        content_type=JSON, **reg,
    )  # fmt: skip
    assert again.status_code == 400 and again.json()["code"] == "not_pending"
    outsider = api_token(district.worker_a)
    assert client.get("/api/v1/livelihood/price-reports", **outsider).status_code == 403
    assert client.post(
        f"/api/v1/livelihood/price-reports/{rows[0]['id']}/decide", {"confirmed": True, "outcome": "x"},
        content_type=JSON, **outsider,
    ).status_code == 403  # fmt: skip
