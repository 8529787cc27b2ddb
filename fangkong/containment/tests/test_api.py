"""The contract: status for scanners, zones and status changes with the two-person rule; outsiders refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from fangkong.conftest import make_user
from fangkong.core import clock, pii
from fangkong.core.ids import clean_document
from fangkong.registry.codes import person_code

JSON = "application/json"


def test_scanner_gets_colour_action_and_reasons_for_a_code(client, district, containment, api_token):
    scanner = api_token(containment.scanner)
    resident = containment.residents[0]
    code = person_code(actor=district.hq, person_id=resident.pk)
    r = client.get(f"/api/v1/status/{code}", **scanner)
    assert r.status_code == 200
    assert r.json()["colour"] == "green" and r.json()["action"] == "pass" and r.json()["reasons"] == []
    hq, hq2 = api_token(district.hq), api_token(containment.hq2)
    zone = client.post(
        "/api/v1/zones",
        {"level": "sealed", "places": [containment.compound.pk], "basis": "确诊病例居住小区", "name": "幸福里"},
        content_type=JSON,
        **hq,
    )
    assert zone.status_code == 201 and zone.json()["state"] == "pending"
    zone_id = zone.json()["id"]
    assert client.post(f"/api/v1/zones/{zone_id}/approve", content_type=JSON, **hq).status_code == 403
    ok = client.post(f"/api/v1/zones/{zone_id}/approve", content_type=JSON, **hq2)
    assert ok.status_code == 200 and ok.json()["state"] == "active"
    r = client.get(f"/api/v1/status/{code.lower()}", **scanner).json()
    assert (r["colour"], r["action"]) == ("red", "stop")
    assert "幸福里" in r["reason"] and r["since"]
    assert resident.name not in str(r)
    # by the keyed hash of the ID number (what a card reader's app sends)
    number = clean_document("resident_id", pii.decrypt(resident.doc_cipher))
    assert client.get(f"/api/v1/status/{pii.lookup_hash(number)}", **scanner).json()["colour"] == "red"


def test_unknown_code_is_a_plain_404(client, containment, api_token):
    r = client.get("/api/v1/status/PAAAAAAAAAAA", **api_token(containment.scanner))
    assert r.status_code == 404
    assert client.get("/api/v1/status/" + "0" * 32, **api_token(containment.scanner)).status_code == 404


def test_status_needs_a_scanner_role(client, district, api_token):
    code = person_code(actor=district.hq, person_id=district.person_a.pk)
    assert client.get(f"/api/v1/status/{code}", **api_token(district.unit_staff)).status_code == 403
    assert client.get(f"/api/v1/status/{code}").status_code == 401


def test_status_is_rate_limited_per_device(client, district, containment, api_token):
    code = person_code(actor=district.hq, person_id=district.person_a.pk)
    device = api_token(containment.scanner)
    other_device = api_token(containment.scanner)  # a second token of the same checkpoint: its own budget
    start = clock.now().replace(second=0, microsecond=0)
    with override_settings(FANGKONG={**settings.FANGKONG, "STATUS_RATE_PER_MINUTE": 3}), clock.frozen_at(start):
        codes = [client.get(f"/api/v1/status/{code}", **device).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert client.get(f"/api/v1/status/{code}", **other_device).status_code == 200
        with clock.frozen_at(start + timedelta(minutes=1)):  # the next minute: a fresh budget
            assert client.get(f"/api/v1/status/{code}", **device).status_code == 200


def test_status_limit_per_account_survives_a_new_token(client, district, containment, api_token):
    code = person_code(actor=district.hq, person_id=district.person_a.pk)
    first = api_token(containment.scanner)
    limits = {**settings.FANGKONG, "STATUS_RATE_PER_MINUTE": 3, "STATUS_USER_RATE_PER_MINUTE": 5}
    with override_settings(FANGKONG=limits), clock.frozen_at(clock.now().replace(second=0, microsecond=0)):
        assert [client.get(f"/api/v1/status/{code}", **first).status_code for _ in range(4)] == [200, 200, 200, 429]
        fresh = api_token(containment.scanner)  # minting a token does not reset the account's count
        # 3 + 2 = 5 for the account
        assert [client.get(f"/api/v1/status/{code}", **fresh).status_code for _ in range(3)] == [200, 200, 429]


def test_status_limits_count_in_the_shared_cache(client, district, containment, api_token):
    """With a shared cache (Redis, as in production) the count lives there: another process sees it."""
    import redis
    from django.core.cache import caches

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    code = person_code(actor=district.hq, person_id=district.person_a.pk)
    device = api_token(containment.scanner)
    shared = {"default": {"BACKEND": "fangkong.core.rediscache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/9"}}
    limits = {**settings.FANGKONG, "STATUS_RATE_PER_MINUTE": 2}
    with (
        override_settings(CACHES=shared, FANGKONG=limits),
        clock.frozen_at(clock.now().replace(second=0, microsecond=0)),
    ):
        caches["default"].clear()
        try:
            assert client.get(f"/api/v1/status/{code}", **device).status_code == 200
            assert any(b"status:user:" in k for k in redis.Redis(port=6379, db=9).keys("*"))
            assert client.get(f"/api/v1/status/{code}", **device).status_code == 200
            assert client.get(f"/api/v1/status/{code}", **device).status_code == 429
            # Each minute's counters expire on their own (one round trip counts and renews them).
            counters = redis.Redis(port=6379, db=9).keys("*rl:status:*")
            assert len(counters) == 2 and all(0 < redis.Redis(port=6379, db=9).ttl(k) <= 120 for k in counters)
            # The refused third request is not counted against the account's other devices.
            account = next(k for k in counters if b"status:user:" in k)
            assert redis.Redis(port=6379, db=9).get(account) == b"2"
        finally:
            caches["default"].clear()


def test_person_status_in_full_for_staff_in_scope_only(client, district, api_token):
    url = f"/api/v1/people/{district.person_a.pk}/status"
    r = client.get(url, **api_token(district.worker_a))
    assert r.status_code == 200 and r.json()["colour"] == "green"
    assert client.get(url, **api_token(district.worker_b)).status_code == 404


def test_status_change_contract(client, district, containment, api_token):
    hq, hq2 = api_token(district.hq), api_token(containment.hq2)
    body = {
        "person_id": district.person_a.pk,
        "colour": "red",
        "basis": "《传染病防治法》第三十九条；密接判定",
        "expires_at": (clock.now() + timedelta(days=7)).isoformat(),
    }
    r = client.post("/api/v1/status-changes", body, content_type=JSON, **hq)
    assert r.status_code == 201 and r.json()["state"] == "pending"
    change = r.json()["id"]
    denied = client.post(f"/api/v1/status-changes/{change}/approve", content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert denied.status_code == 403 and "cannot approve" in denied.json()["detail"]
    ok = client.post(f"/api/v1/status-changes/{change}/approve", content_type=JSON, **hq2)
    assert ok.status_code == 200 and ok.json()["state"] == "applied"
    assert client.get(f"/api/v1/people/{district.person_a.pk}/status", **hq).json()["colour"] == "red"
    bad = client.post("/api/v1/status-changes", body | {"basis": ""}, content_type=JSON, **hq)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "basis"


def test_bulk_changes_without_a_record_per_person_are_refused(client, district, api_token):
    body = {
        "colour": "red",
        "expires_at": (clock.now() + timedelta(days=3)).isoformat(),
        "items": [{"person_id": district.person_a.pk, "basis": "在维权现场聚集的储户名单", "record": ""}],
    }
    r = client.post("/api/v1/status-changes:bulk", body, content_type=JSON, **api_token(district.hq))
    assert r.status_code == 400
    assert r.json()["errors"][0] == {
        "field": "record",
        "message": r.json()["errors"][0]["message"],
        "row": 0,
        "code": "not_concerned",
    }


def test_outsiders_are_refused_everywhere(client, district, containment, api_token):
    outsider = api_token(district.worker_b)
    zone = client.post(
        "/api/v1/zones",
        {"level": "sealed", "places": [containment.compound.pk], "basis": "确诊病例居住小区"},
        content_type=JSON,
        **api_token(district.hq),
    ).json()["id"]
    assert client.get(f"/api/v1/zones/{zone}", **outsider).status_code == 404
    # A grid worker never approves zones: refused for the capability, before the zone is looked up.
    assert client.post(f"/api/v1/zones/{zone}/approve", content_type=JSON, **outsider).status_code == 403
    assert client.post("/api/v1/zones/987654/approve", content_type=JSON, **outsider).status_code == 403
    assert client.get("/api/v1/zones", **outsider).json()["count"] == 0
    # A grid worker never proposes zones (403, the capability); a street officer elsewhere does, but A's compound is
    # not in their reach: refused as a place that does not exist (400 on `places`, not_found), nothing named.
    assert (
        client.post(
            "/api/v1/zones",
            {"level": "sealed", "places": [containment.compound.pk], "basis": "越权划定"},
            content_type=JSON,
            **outsider,
        ).status_code
        == 403
    )
    street2 = api_token(make_user("street2", "street_officer", jurisdiction=district.s2))
    replies = [
        client.post(
            "/api/v1/zones",
            {"level": "sealed", "places": [place], "basis": "越权划定"},
            content_type=JSON,
            **street2,
        )
        for place in (containment.compound.pk, 987654)
    ]
    assert [r.status_code for r in replies] == [400, 400]
    assert replies[0].json() == replies[1].json()
    assert [(e["field"], e["code"]) for e in replies[0].json()["errors"]] == [("places", "not_found")]
    assert client.get("/api/v1/status-changes", **outsider).json()["count"] == 0
