"""Venue codes: scans recorded and answered; tracing both ways, audited, scoped; bad input named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.containment.models import VenueScan
from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.registry.codes import person_code
from fangkong.registry.models import Unit

JSON = "application/json"


@pytest.fixture
def venue(district):
    return Unit.objects.create(
        kind="venue", name="兴隆大家庭超市", code="V-1", jurisdiction=district.a, jpath=district.a.path
    )


@pytest.fixture
def door(venue):
    return make_user("door", "venue_staff", unit=venue)


def _scan(client, code, person, token, key):
    return client.post(
        f"/api/v1/venues/{code}/scans",
        {"person_code": person},
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY=key,
        **token,
    )


def test_a_scan_is_recorded_once_and_answered_with_the_status(client, district, venue, door, api_token):
    code = client.get(f"/api/v1/venues/{venue.pk}/code", **api_token(district.worker_a)).json()["code"]
    assert code.startswith("V")
    person = person_code(actor=district.hq, person_id=district.person_a.pk)
    r = _scan(client, code, person, api_token(door), "k1")
    assert r.status_code == 201 and r.json()["colour"] == "green"
    again = _scan(client, code, person, api_token(door), "k1")
    assert again.status_code == 200 and VenueScan.objects.count() == 1
    no_key = client.post(f"/api/v1/venues/{code}/scans", {"person_code": person}, content_type=JSON, **api_token(door))
    assert no_key.status_code == 400


def test_only_the_venues_own_scanner_records_there(client, district, venue, api_token):
    other = Unit.objects.create(kind="venue", name="别家", code="V-2", jurisdiction=district.b, jpath=district.b.path)
    stranger = make_user("stranger", "venue_staff", unit=other)
    code = client.get(f"/api/v1/venues/{venue.pk}/code", **api_token(district.hq)).json()["code"]
    person = person_code(actor=district.hq, person_id=district.person_a.pk)
    assert _scan(client, code, person, api_token(stranger), "k2").status_code == 403
    assert _scan(client, "VNOTACODE123", person, api_token(stranger), "k3").status_code == 404
    assert not VenueScan.objects.exists()


def test_tracing_both_ways_is_audited_and_scoped(client, district, venue, door, api_token):
    code = client.get(f"/api/v1/venues/{venue.pk}/code", **api_token(district.hq)).json()["code"]
    person = person_code(actor=district.hq, person_id=district.person_a.pk)
    _scan(client, code, person, api_token(door), "k4")
    since = (clock.now() - timedelta(hours=1)).isoformat()
    until = (clock.now() + timedelta(minutes=1)).isoformat()
    street = api_token(district.street1)
    r = client.get(
        f"/api/v1/venues/{venue.pk}/visits", {"since": since, "until": until, "reason": "病例12密接排查"}, **street
    )
    assert r.status_code == 200 and [v["person"]["id"] for v in r.json()] == [district.person_a.pk]
    w = client.get(f"/api/v1/people/{district.person_a.pk}/whereabouts", {"reason": "病例12轨迹"}, **street)
    assert w.status_code == 200 and w.json()[0]["venue"] == "兴隆大家庭超市"
    reasons = set(AuditEvent.objects.filter(action__startswith="trace.").values_list("action", "reason"))
    assert reasons == {("trace.venue", "病例12密接排查"), ("trace.person", "病例12轨迹")}
    # a grid worker does not trace (refused for the capability, whatever the venue or person); a tracer of
    # another street does not see the venue or the person
    assert (
        client.get(
            f"/api/v1/venues/{venue.pk}/visits",
            {"since": since, "until": until, "reason": "x" * 5},
            **api_token(district.worker_a),
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/api/v1/people/{district.person_a.pk}/whereabouts", {"reason": "x" * 5}, **api_token(district.worker_b)
        ).status_code
        == 403
    )
    street2 = api_token(make_user("street2", "street_officer", jurisdiction=district.s2))
    assert (
        client.get(f"/api/v1/venues/{venue.pk}/visits", {"since": since, "until": until, "reason": "x" * 5}, **street2)
    ).status_code == 404
    assert (
        client.get(f"/api/v1/people/{district.person_a.pk}/whereabouts", {"reason": "x" * 5}, **street2)
    ).status_code == 404


def test_tracing_needs_a_reason_and_a_sane_period(client, district, venue, api_token):
    hq = api_token(district.hq)
    now = clock.now()
    bad = client.get(
        f"/api/v1/venues/{venue.pk}/visits",
        {"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat(), "reason": "病例12"},
        **hq,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "until"
    no_reason = client.get(f"/api/v1/people/{district.person_a.pk}/whereabouts", {"reason": ""}, **hq)
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    too_long = client.get(
        f"/api/v1/venues/{venue.pk}/visits",
        {"since": (now - timedelta(days=60)).isoformat(), "until": now.isoformat(), "reason": "病例12"},
        **hq,
    )
    assert too_long.status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="trace.").exists()


def test_poster_and_tracing_pages(district, venue):
    hq = district.client(district.hq)
    poster = hq.get(f"/containment/venues/{venue.pk}/poster/")
    assert poster.status_code == 200 and "<svg" in poster.content.decode()
    assert district.client(district.worker_b).get(f"/containment/venues/{venue.pk}/poster/").status_code == 404
    page = hq.get(f"/containment/tracing/?person={district.person_a.pk}&days=7")
    assert page.status_code == 200 and not AuditEvent.objects.filter(action="trace.person").exists()  # pre-filled only
    run = hq.get(f"/containment/tracing/?person={district.person_a.pk}&days=7&reason=病例12轨迹")
    assert run.status_code == 200 and AuditEvent.objects.filter(action="trace.person").count() == 1
    assert district.client(district.worker_a).get("/containment/tracing/").status_code == 404
