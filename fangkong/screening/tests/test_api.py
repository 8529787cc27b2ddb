from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from fangkong.conftest import make_id_number
from fangkong.core import clock, pii
from fangkong.screening.models import FollowUp, Passage, Violation

MASKED_ID = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


@pytest.fixture
def api(client, api_token):
    """api(user).get/post(path, body) with JSON, English messages and the user's bearer token."""

    class Caller:
        def __init__(self, user):
            self.headers = {**api_token(user), "HTTP_ACCEPT_LANGUAGE": "en"}

        def get(self, path, params=None):
            return client.get(f"/api/v1{path}", params or {}, **self.headers)

        def post(self, path, body=None, **extra):
            return client.post(
                f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", **self.headers, **extra
            )

    return Caller


def passage_body(district, **kw):
    return {
        "direction": "in",
        "document_number": make_id_number(),
        "name": "来客",
        "origin": "上海市浦东新区",
        "destination_community": district.a.pk,
        "temperature": 36.5,
        "visited": [],
        **kw,
    }


def test_risk_area_contract(district, screening, api):
    body = {"name": "北京市朝阳区", "level": "high", "valid_from": "2022-05-01T00:00:00+08:00", "valid_to": None}
    r = api(district.hq).post("/risk-areas", body)
    assert r.status_code == 201 and r.json()["level"] == "high"
    assert api(district.worker_a).post("/risk-areas", body).status_code == 403
    assert api(screening.staff1).post("/risk-areas", body).status_code == 403
    bad = api(district.hq).post("/risk-areas", {**body, "level": "severe"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "level"
    # "" for an open end reads as not given (as an emptied form field does), not as a date that cannot be read.
    open_ended = api(district.hq).post("/risk-areas", {**body, "name": "北京市海淀区", "valid_to": ""})
    assert open_ended.status_code == 201, open_ended.json()
    missing = api(district.hq).post("/risk-areas", {"name": "北京市西城区"})
    assert missing.status_code == 422
    assert (missing.json()["code"], missing.json()["errors"][0]["field"]) == ("required", "level")
    listed = api(district.worker_a).get("/risk-areas", {"active": "true"}).json()
    assert "北京市朝阳区" in [a["name"] for a in listed["items"]]


def test_checkpoints_listed_for_the_caller(district, screening, api):
    assert [c["name"] for c in api(screening.staff1).get("/checkpoints").json()["items"]] == ["高速道口"]
    assert api(district.hq).get("/checkpoints").json()["count"] == 2
    assert api(district.worker_a).get("/checkpoints").json()["count"] == 0


def test_passage_contract_with_idempotent_retry(district, screening, api):
    caller = api(screening.staff1)
    body = passage_body(district)
    url = f"/checkpoints/{screening.cp1.pk}/passages"
    first = caller.post(url, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert first.status_code == 201, first.content
    reply = first.json()
    assert reply["instruction"] == "central_isolation" and "上海市浦东新区" in reply["rule"]
    assert reply["followup_id"] == FollowUp.objects.get().pk
    assert MASKED_ID.match(reply["person"]["document_number"])
    again = caller.post(url, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert again.status_code == 200 and again.json() == reply
    assert Passage.objects.count() == 1 and FollowUp.objects.count() == 1
    other = caller.post(url, {**body, "temperature": 37.0}, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert other.status_code == 409 and Passage.objects.count() == 1


def test_passage_errors(district, screening, api):
    caller = api(screening.staff1)
    url = f"/checkpoints/{screening.cp1.pk}/passages"
    missing_key = caller.post(url, passage_body(district))
    assert missing_key.status_code == 400 and missing_key.json()["errors"][0]["field"] == "Idempotency-Key"
    bad_id = caller.post(url, passage_body(district, document_number="110105194912310021"), HTTP_IDEMPOTENCY_KEY="k2")
    assert bad_id.status_code == 400 and bad_id.json()["errors"][0]["field"] == "document_number"
    future = (clock.now() + timedelta(hours=2)).isoformat()
    r = caller.post(url, passage_body(district, occurred_at=future), HTTP_IDEMPOTENCY_KEY="k3")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "occurred_at"
    r = caller.post(url, {"direction": "in"}, HTTP_IDEMPOTENCY_KEY="k4")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "document_number"
    assert (
        caller.post("/checkpoints/99999/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="k5").status_code == 404
    )
    other_cp = caller.post(
        f"/checkpoints/{screening.cp2.pk}/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="k6"
    )
    assert other_cp.status_code == 404
    assert api(district.worker_a).post(url, passage_body(district), HTTP_IDEMPOTENCY_KEY="k7").status_code == 404
    assert Passage.objects.count() == 0
    # A failed request leaves its key free: the corrected retry with the same key goes through.
    ok = caller.post(url, passage_body(district), HTTP_IDEMPOTENCY_KEY="k2")
    assert ok.status_code == 201


def test_followups_listed_masked_and_worked_through_the_api(district, screening, api):
    api(screening.staff1).post(
        f"/checkpoints/{screening.cp1.pk}/passages",
        passage_body(district, origin="吉林省长春市"),
        HTTP_IDEMPOTENCY_KEY="a",
    )
    worker = api(district.worker_a)
    listed = worker.get("/followups").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert set(item) >= {"id", "person", "state", "due_at"} and item["state"] == "open"
    assert MASKED_ID.match(item["person"]["document_number"])
    assert api(district.worker_b).get("/followups").json()["count"] == 0
    assert api(district.worker_b).get(f"/followups/{item['id']}").status_code == 404
    assert api(district.worker_b).post(f"/followups/{item['id']}/contact").status_code == 404
    assert worker.post(f"/followups/{item['id']}/contact").json()["state"] == "contacted"
    r = worker.post(f"/followups/{item['id']}/tests", {"day": 2, "result": "negative"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "day"
    detail = worker.post(f"/followups/{item['id']}/tests", {"day": 1, "result": "negative"}).json()
    assert detail["tests"][0]["day"] == 1 and detail["release_blockers"]
    release = worker.post(f"/followups/{item['id']}/release")
    assert release.status_code == 400 and "Cannot release yet" in release.json()["detail"]
    with clock.advanced(timedelta(hours=3)):
        assert worker.get("/followups", {"state": "missed"}).json()["count"] == 0  # contacted in time


def test_reconciliation_endpoint(district, screening, api):
    api(screening.staff1).post(
        f"/checkpoints/{screening.cp1.pk}/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="a"
    )
    with clock.advanced(timedelta(hours=3)):
        r = api(district.hq).get("/reconciliation").json()
        a = next(row for row in r["rows"] if row["community"]["name"] == "园丁社区")
        assert (a["arrivals"], a["owned"], a["overdue"]) == (1, 1, 1)
        assert len(r["missed"]) == 1
    assert api(district.worker_a).get("/reconciliation").status_code == 404
    assert api(district.hq).get("/reconciliation", {"since": "not-a-date"}).json()["errors"][0]["field"] == "since"


def test_travel_reports_and_violations_api(district, screening, api):
    today = clock.localdate()
    body = {
        "person": district.person_a.pk,
        "destination": "北京市",
        "depart_on": str(today),
        "return_on": str(today + timedelta(days=2)),
        "reason": "探亲",
        "transport": "高铁",
    }
    r = api(district.worker_a).post("/travel-reports", body)
    assert r.status_code == 201 and r.json()["approval"] == "not_required"
    assert api(district.worker_b).post("/travel-reports", body).status_code == 404
    assert api(district.worker_a).post(f"/travel-reports/{r.json()['id']}/acknowledge").json()["community_acknowledged"]
    assert api(district.worker_b).post(f"/travel-reports/{r.json()['id']}/acknowledge").status_code == 404
    past = api(district.worker_a).post("/travel-reports", {**body, "depart_on": str(today - timedelta(days=1))})
    assert past.json()["errors"][0]["field"] == "depart_on"
    # An unreported exit by person B becomes a violation in B's community.
    out = api(screening.staff1).post(
        f"/checkpoints/{screening.cp1.pk}/passages",
        {"direction": "out", "document_number": pii.decrypt(district.person_b.doc_cipher), "name": "王五"},
        HTTP_IDEMPOTENCY_KEY="o",
    )
    # The staff are not told (only a registered resident can commit one): B's community finds it in its list.
    assert out.status_code == 201 and out.json()["violation_id"] is None
    violation_id = Violation.objects.get().pk
    listed = api(district.worker_b).get("/violations").json()
    assert listed["count"] == 1 and listed["by_community"] == [{"community": "胜利社区", "count": 1}]
    assert api(district.worker_a).get("/violations").json()["count"] == 0
    assert api(district.worker_a).post(f"/violations/{violation_id}/explain", {"explanation": "x"}).status_code == 404
    api(district.worker_b).post(f"/violations/{violation_id}/explain", {"explanation": "就医"})
    handled = api(district.worker_b).post(f"/violations/{violation_id}/handle", {"outcome": "excused"})
    assert handled.json()["outcome"] == "excused"


def test_pass_requests_api(district, screening, api):
    body = {"requester_name": "某主任", "requester_unit_name": "区住建局", "outcome": "refused"}
    assert api(screening.staff1).post(f"/checkpoints/{screening.cp1.pk}/pass-requests", body).status_code == 201
    assert api(screening.staff2).post(f"/checkpoints/{screening.cp1.pk}/pass-requests", body).status_code == 404
    seen = api(screening.inspector).get("/pass-requests").json()
    assert seen["count"] == 1 and seen["by_unit"] == [{"unit": "区住建局", "count": 1}]
    assert api(district.worker_a).get("/pass-requests").json()["count"] == 0


def test_passages_listed_by_scope(district, screening, api):
    api(screening.staff1).post(
        f"/checkpoints/{screening.cp1.pk}/passages", passage_body(district), HTTP_IDEMPOTENCY_KEY="a"
    )
    api(screening.staff2).post(
        f"/checkpoints/{screening.cp2.pk}/passages",
        passage_body(district, destination_community=district.b.pk),
        HTTP_IDEMPOTENCY_KEY="b",
    )
    assert api(screening.staff1).get("/passages").json()["count"] == 1  # their checkpoint's
    assert api(district.worker_a).get("/passages").json()["count"] == 1  # arrivals to their community
    assert api(district.hq).get("/passages").json()["count"] == 2
    assert api(screening.hr).get("/passages").json()["count"] == 0
