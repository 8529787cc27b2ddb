from __future__ import annotations

import re

from fangkong.conftest import make_person
from fangkong.core import pii
from fangkong.core.models import AuditEvent

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


def test_worker_lists_only_their_community_masked(district, client, api_token):
    r = client.get("/api/v1/people", **api_token(district.worker_a))
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == district.person_a.pk
    assert item["community"] == {"id": district.a.pk, "name": district.a.name}
    assert MASKED_ID.match(item["document_number"]), item["document_number"]
    assert MASKED_PHONE.match(item["phone"]), item["phone"]
    assert "13912345678" not in r.content.decode()


def test_street_and_hq_see_their_share(district, client, api_token):
    assert client.get("/api/v1/people", **api_token(district.street1)).json()["count"] == 1
    assert client.get("/api/v1/people", **api_token(district.hq)).json()["count"] == 2


def test_unit_role_sees_nobody(district, client, api_token):
    assert client.get("/api/v1/people", **api_token(district.unit_staff)).json()["count"] == 0


def test_filters_by_jurisdiction_and_text(district, client, api_token):
    make_person(district.a, district.a2, name="赵六", phone="13600000001")
    h = api_token(district.hq)
    assert client.get("/api/v1/people", {"jurisdiction": district.a2.pk}, **h).json()["count"] == 1
    assert client.get("/api/v1/people", {"q": "赵"}, **h).json()["items"][0]["name"] == "赵六"
    assert client.get("/api/v1/people", {"q": "136 0000 0001"}, **h).json()["count"] == 1
    number = pii.decrypt(district.person_b.doc_cipher)
    found = client.get("/api/v1/people", {"q": number.lower()}, **h).json()
    assert [p["id"] for p in found["items"]] == [district.person_b.pk]


def test_outsider_cannot_filter_by_a_foreign_jurisdiction(district, client, api_token):
    r = client.get("/api/v1/people", {"jurisdiction": district.a.pk}, **api_token(district.worker_b))
    assert r.status_code == 404


def test_pagination(district, client, api_token):
    for i in range(7):
        make_person(district.a, name=f"人{i}")
    h = api_token(district.worker_a)
    page = client.get("/api/v1/people", {"page": 2, "page_size": 3}, **h).json()
    assert page["count"] == 8 and len(page["items"]) == 3
    r = client.get("/api/v1/people", {"page_size": 501}, **h)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "page_size"


def test_person_detail_and_outsider_404(district, client, api_token):
    url = f"/api/v1/people/{district.person_a.pk}"
    r = client.get(url, **api_token(district.worker_a))
    assert r.status_code == 200 and r.json()["grid"]["name"] == "第一网格"
    assert MASKED_ID.match(r.json()["document_number"])
    assert client.get(url, **api_token(district.worker_b)).status_code == 404
    assert client.get("/api/v1/people/999999", **api_token(district.worker_b)).status_code == 404


def test_reveal_is_audited_with_reason(district, client, api_token):
    url = f"/api/v1/people/{district.person_a.pk}/reveal"
    r = client.post(
        url, {"reason": "confirming contact by phone"}, content_type="application/json", **api_token(district.worker_a)
    )
    assert r.status_code == 200
    assert r.json() == {"document_number": pii.decrypt(district.person_a.doc_cipher), "phone": "13912345678"}
    event = AuditEvent.objects.get(action="person.reveal")
    assert event.actor_name == "worker_a"
    assert event.object_id == str(district.person_a.pk)
    assert event.reason == "confirming contact by phone"
    assert "13912345678" not in str(event.fields)


def test_reveal_needs_a_reason(district, client, api_token):
    url = f"/api/v1/people/{district.person_a.pk}/reveal"
    r = client.post(url, {"reason": " "}, content_type="application/json", **api_token(district.worker_a))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    assert r.json()["errors"][0]["code"] == "reason_required"
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_outsider_cannot_reveal(district, client, api_token):
    url = f"/api/v1/people/{district.person_a.pk}/reveal"
    r = client.post(url, {"reason": "curiosity"}, content_type="application/json", **api_token(district.worker_b))
    assert r.status_code == 404
    r = client.post(url, {"reason": "curiosity"}, content_type="application/json", **api_token(district.unit_staff))
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_jurisdictions_are_scoped(district, client, api_token):
    body = client.get("/api/v1/jurisdictions", **api_token(district.worker_a)).json()
    assert {j["name"] for j in body["items"]} == {"园丁社区", "第一网格", "第二网格"}
    assert body["count"] == 3
    hq = client.get("/api/v1/jurisdictions", {"level": "community"}, **api_token(district.hq)).json()
    assert hq["count"] == 2
    assert client.get("/api/v1/jurisdictions", **api_token(district.unit_staff)).json()["count"] == 0
    r = client.get("/api/v1/jurisdictions", {"level": "planet"}, **api_token(district.hq))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "level"
