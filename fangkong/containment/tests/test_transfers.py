"""Closed-loop transfers: steps in order by the right people, overdue derived, full sites refused, isolation red."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import IsolationSite
from fangkong.containment.status import status_of
from fangkong.containment.transfers import due_step
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.models import AuditEvent
from fangkong.registry.models import Unit

JSON = "application/json"


@pytest.fixture
def site(district):
    unit = Unit.objects.create(
        kind="clinic", name="隔离酒店", code="ISO1", jurisdiction=district.d, jpath=district.d.path
    )
    return IsolationSite.objects.create(
        name="兴隆宾馆集中隔离点", kind="isolation", capacity=1, unit=unit, jpath=district.d.path
    )


@pytest.fixture
def crew(district):
    team = Unit.objects.create(
        kind="clinic", name="120转运组", code="T120", jurisdiction=district.d, jpath=district.d.path
    )
    return make_user("crew", "transfer_crew", unit=team)


def _dispatch(client, hq, person, site):
    return client.post(
        "/api/v1/transfers",
        {
            "person_id": person.pk,
            "destination_id": site.pk,
            "pickup_address": "园丁小区3-2-501",
            "vehicle": "辽L·12345",
            "crew": "张医生、李司机",
        },
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
        **hq,
    )


def test_a_transfer_runs_in_order_to_isolation_and_release(client, district, site, crew, api_token):
    hq = api_token(district.hq)
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    r = _dispatch(client, hq, district.person_a, site)
    assert r.status_code == 201 and r.json()["state"] == "dispatched" and r.json()["next_step"] == "pick_up"
    tid = r.json()["id"]
    staff = make_user("iso", "isolation_staff", unit=site.unit)

    def step(token, name, key=None):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return client.post(f"/api/v1/transfers/{tid}/steps", {"step": name}, content_type=JSON, **headers, **token)

    out_of_order = step(api_token(staff), "receive")
    # The destination's staff may receive, only not yet: refused for the order of the steps, not hidden.
    assert out_of_order.status_code == 400
    assert (out_of_order.json()["errors"][0]["field"], out_of_order.json()["code"]) == ("step", "out_of_order")
    assert step(api_token(crew), "pick_up", "s1").json()["state"] == "picked_up"
    assert step(api_token(crew), "pick_up", "s1").status_code == 200  # the retry is answered, not refused
    bad = step(api_token(crew), "pick_up")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "step"
    assert step(api_token(crew), "arrive").json()["state"] == "arrived"
    assert step(api_token(crew), "receive").status_code == 404  # the crew does not receive at the site
    assert step(api_token(staff), "receive").json()["state"] == "received"
    s = status_of(district.person_a.pk)
    assert [r["kind"] for r in s.reasons] == ["case", "isolation"] or [r["kind"] for r in s.reasons] == [
        "isolation",
        "case",
    ]
    assert step(api_token(staff), "release").json()["state"] == "released"
    assert [e for e in AuditEvent.objects.filter(object_type="containment.transfer").values_list("action", flat=True)]
    assert "isolation" not in [r["kind"] for r in status_of(district.person_a.pk).reasons]


def test_a_full_site_and_a_person_without_a_case_are_refused(client, district, site, api_token):
    hq = api_token(district.hq)
    r = _dispatch(client, hq, district.person_a, site)
    assert r.status_code == 400  # no case, no contact
    assert (r.json()["errors"][0]["field"], r.json()["code"]) == ("person_id", "not_eligible")
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    assert _dispatch(client, hq, district.person_a, site).status_code == 201
    full = _dispatch(client, hq, district.person_b, site)
    assert full.status_code == 400 and full.json()["errors"][0]["code"] == "full"
    other = Unit.objects.create(
        kind="clinic", name="第二隔离点", code="ISO2", jurisdiction=district.d, jpath=district.d.path
    )
    roomy = IsolationSite.objects.create(name="第二隔离点", kind="isolation", capacity=5, unit=other, jpath=site.jpath)
    again = _dispatch(client, hq, district.person_a, roomy)
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "under_way"
    assert client.get("/api/v1/isolation-sites", **hq).json()[0]["occupied"] == 1


def test_overdue_steps_are_derived_from_the_clock(client, district, site, api_token):
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    _dispatch(client, api_token(district.hq), district.person_a, site)
    from fangkong.containment.models import Transfer

    t = Transfer.objects.get()
    assert not due_step(t).late
    assert due_step(t, clock.now() + timedelta(hours=3)).late


def test_outsiders_cannot_dispatch_or_see(client, district, site, api_token):
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    outsider = api_token(district.worker_b)
    assert _dispatch(client, outsider, district.person_a, site).status_code == 403  # a grid worker never dispatches
    street2 = api_token(make_user("street2", "street_officer", jurisdiction=district.s2))
    assert _dispatch(client, street2, district.person_a, site).status_code == 404  # another street's resident
    assert client.get("/api/v1/transfers", **outsider).json()["count"] == 0
    assert client.get("/api/v1/isolation-sites", **outsider).status_code == 403
