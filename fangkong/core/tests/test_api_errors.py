"""Every API error is JSON {detail, code}: an id no column can hold, a path or a method the API does not have, a
body that is not JSON or is too large, an unexpected exception (logged with the request id, never a traceback),
a page past the end, and moments given without an offset or as a bare date."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.registry.models import Unit

JSON = "application/json"
BIG = 2**70


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str), body
    return body


@pytest.mark.parametrize("value", [BIG, 2**63, -(2**63) - 1])
def test_an_id_beyond_bigint_is_404(client, district, api_token, value):
    hq = api_token(district.hq)
    _error(client.get(f"/api/v1/people/{value}", **hq), 404, "not_found")
    r = client.post(f"/api/v1/people/{value}/reveal", {"reason": "核查身份"}, content_type=JSON, **hq)
    _error(r, 404, "not_found")


def test_the_largest_bigint_is_an_ordinary_unknown_id(client, district, api_token):
    _error(client.get(f"/api/v1/people/{2**63 - 1}", **api_token(district.hq)), 404, "not_found")


def test_unknown_path_and_wrong_method(client, district, api_token):
    hq = api_token(district.hq)
    _error(client.get("/api/v1/no-such-thing", **hq), 404, "not_found")
    _error(client.get("/api/v1/people/abc", **hq), 404, "not_found")  # the int converter does not take it
    _error(client.get("/api/v1/no-such-thing"), 404, "not_found")  # without a token too
    r = client.delete("/api/v1/people", **hq)
    body = _error(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"] and "POST" in r["Allow"] and "GET" in body["detail"]


def test_malformed_json_is_400_invalid_json(client, district, api_token):
    r = client.post("/api/v1/people/1/reveal", "{not json", content_type=JSON, **api_token(district.hq))
    _error(r, 400, "invalid_json")


def test_a_body_over_the_limit_is_413(client, district, api_token, settings):
    hq = api_token(district.hq)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the same check as at 50 MB, without sending 50 MB
    body = '{"reason": "%s"}' % ("x" * 2000)
    _error(client.post("/api/v1/people/1/reveal", body, content_type=JSON, **hq), 413, "too_large")
    # A form upload too: its fields count against the same limit.
    form = {"note": "x" * 2000}
    _error(client.post("/api/v1/testing/results:upload", form, **hq), 413, "too_large")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_500_json_logged_with_the_request_id(
    client, district, api_token, monkeypatch, settings, caplog, debug
):
    from fangkong.registry import api as registry_api

    settings.DEBUG = debug  # the demo runs with DEBUG: still JSON, still no traceback

    def broken(**kwargs):
        raise RuntimeError("something internal")

    monkeypatch.setattr(registry_api.selectors, "jurisdictions_visible", broken, raising=False)
    with caplog.at_level(logging.ERROR, logger="fangkong.api"):
        r = client.get("/api/v1/jurisdictions", **api_token(district.hq))
    body = _error(r, 500, "server_error")
    request_id = r["X-Request-ID"]  # the client quotes it; the log has it with the traceback
    assert request_id in body["detail"] and "something internal" not in r.content.decode()
    assert "Traceback" not in r.content.decode()
    assert any(request_id in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_a_page_past_the_end_is_empty(client, district, api_token):
    hq = api_token(district.hq)
    for page in (2**63 - 1, BIG, 10**6):
        r = client.get(f"/api/v1/people?page={page}", **hq)
        assert r.status_code == 200, r.content
        assert r.json()["items"] == [] and r.json()["count"] == 2
    _error(client.get("/api/v1/people?page=0", **hq), 400, "out_of_range")
    _error(client.get("/api/v1/people?page=abc", **hq), 422, "invalid")


@pytest.fixture
def enterprise(district):
    emergency = Unit.objects.create(
        kind="department", name="区应急管理局", code="YJ", jurisdiction=district.d, jpath=district.d.path
    )
    plant = Unit.objects.create(
        kind="enterprise",
        name="兴隆化工",
        code="E1",
        jurisdiction=district.a,
        jpath=district.a.path,
        supervising_department=emergency,
    )
    return plant, make_user("reg", "safety_regulator", unit=emergency)


def test_a_hazard_deadline_given_as_a_date_or_without_offset(client, district, api_token, enterprise):
    plant, regulator = enterprise
    token = api_token(regulator)
    later = clock.localdate() + timedelta(days=7)
    for deadline in (later.isoformat(), f"{later.isoformat()}T18:00:00"):
        r = client.post(
            "/api/v1/safety/hazards",
            {"enterprise_id": plant.pk, "grade": "general", "description": "消防通道堵塞", "deadline": deadline},
            content_type=JSON,
            **token,
        )
        assert r.status_code == 201, r.content
        # Read in the district's time zone (UTC+8), not as UTC.
        deadline = datetime.fromisoformat(r.json()["deadline"].replace("Z", "+00:00"))
        assert timezone.localtime(deadline).date() == later, r.json()["deadline"]
    r = client.post(
        "/api/v1/safety/hazards",
        {"enterprise_id": plant.pk, "grade": "general", "description": "消防通道堵塞", "deadline": "9999-12-31"},
        content_type=JSON,
        **token,
    )
    _error(r, 422, "invalid")


def test_a_duty_roster_time_with_an_offset(client, district, api_token):
    street = api_token(district.street1)
    r = client.post(
        "/api/v1/duty/rosters",
        {"jurisdiction_id": district.s1.pk, "first": clock.localdate().isoformat(), "change_at": "08:00:00+09:00"},
        content_type=JSON,
        **street,
    )
    assert r.status_code == 201, r.content
    board = client.get("/api/v1/duty/board", **street).json()
    shift = next(s for s in board if s["id"] == r.json()[0])
    starts = timezone.localtime(datetime.fromisoformat(shift["starts_at"].replace("Z", "+00:00")))
    assert (starts.hour, starts.minute) == (7, 0)  # 08:00 at UTC+9 is 07:00 in the district (UTC+8)


def test_a_refusal_before_the_api_is_json_too(client, district, api_token, settings):
    # Refused by a middleware, before any URL pattern: Django's handlers answer, with JSON under /api/.
    hq = api_token(district.hq)
    _error(client.get("/api/v1/people/%0C", **hq), 404, "not_found")  # a control character in the path
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    _error(client.get("/api/v1/people?" + "&".join(f"f{i}=1" for i in range(10)), **hq), 400, "bad_request")
    # Pages keep their HTML pages.
    page = client.get("/people/%0C")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_status_change_expiry_given_as_a_date(client, district, api_token):
    body = {
        "person_id": district.person_a.pk,
        "colour": "red",
        "basis": "《传染病防治法》第三十九条；密接判定",
        "expires_at": (clock.localdate() + timedelta(days=7)).isoformat(),  # no time, no offset
    }
    r = client.post("/api/v1/status-changes", body, content_type=JSON, **api_token(district.hq))
    assert r.status_code == 201, r.content
