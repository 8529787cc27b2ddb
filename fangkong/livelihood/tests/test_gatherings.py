"""Gatherings (issue 20, point 7): registered ahead, decided at once by the size limits in force for the zone over
the place (data the district edits), none in sealed or controlled zones; refusals recorded with their reason;
today's rules shown where they differ; bad input named; outsiders see nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.conftest import make_user
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.livelihood import gatherings
from fangkong.livelihood.models import Gathering
from fangkong.registry.models import Place

JSON = "application/json"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
SATURDAY = datetime(2026, 12, 5, 11, 0, tzinfo=TZ).isoformat()


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def zone(district):
    """zone(level, jurisdictions=[…] or places=[…]) → a zone in force (proposed by HQ, approved by a second)."""
    hq2 = make_user("hq2", "hq_admin", jurisdiction=district.d)

    def run(level, **over):
        z = zone_request(actor=district.hq, name=f"{level}区", level=level, basis="确诊病例所在地", **over)
        return zone_approve(actor=hq2, zone_id=z.pk)

    return run


def _register(client, token, size, jurisdiction_id, **more):
    body = {"name": "张家婚宴", "kind": "wedding", "jurisdiction_id": jurisdiction_id, "starts_at": SATURDAY}
    body |= {"expected_size": size, **more}
    return client.post("/api/v1/gatherings", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **token)


@pytest.mark.parametrize(
    ("size", "state", "reason"),
    [(30, "approved", "within"), (80, "limited", "conditions"), (150, "refused", "over")],
)
def test_outside_any_zone_the_default_limits_decide(client, district, api_token, size, state, reason):
    r = _register(client, api_token(district.worker_a), size, district.a.pk)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["state"], body["reason_code"], body["level"]) == (state, reason, "")
    assert body["id"] and body["reason"]
    if state == "limited":
        assert "扫码测温" in body["conditions"]
    if state == "refused":
        assert "150" in body["reason"] and "100" in body["reason"]  # the size and the limit in force
    assert Gathering.objects.get().state == state  # a refusal is recorded too


@pytest.mark.parametrize("level", ["sealed", "controlled"])
def test_none_in_a_sealed_or_controlled_zone(client, district, api_token, zone, level):
    zone(level, jurisdictions=[district.a.pk])
    r = _register(client, api_token(district.worker_a), 5, district.a1.pk)  # a grid inside the zone
    assert r.status_code == 201
    assert (r.json()["state"], r.json()["reason_code"], r.json()["level"]) == ("refused", "zone", level)
    assert f"{level}区" in r.json()["reason"]


def test_a_prevention_zone_has_its_own_limits(client, district, api_token, zone):
    zone("prevention", jurisdictions=[district.s1.pk])
    token = api_token(district.worker_a)
    assert _register(client, token, 20, district.a.pk).json()["state"] == "approved"
    assert _register(client, token, 40, district.a.pk).json()["state"] == "limited"
    refused = _register(client, token, 60, district.a.pk).json()
    assert (refused["state"], refused["level"]) == ("refused", "prevention")
    # Another street, outside the zone: the default row.
    other = _register(client, api_token(district.hq), 60, district.b.pk).json()
    assert (other["state"], other["level"]) == ("limited", "")


def test_a_zone_over_a_compound_refuses_there_only(client, district, api_token, zone):
    compound = Place.objects.create(kind="compound", name="锦绣小区", jurisdiction=district.a1, jpath=district.a1.path)
    building = Place.objects.create(
        kind="building", name="3号楼", parent=compound, jurisdiction=district.a1, jpath=district.a1.path
    )
    zone("sealed", places=[compound.pk])
    token = api_token(district.worker_a)
    inside = _register(client, token, 10, district.a1.pk, place_id=building.pk).json()
    assert (inside["state"], inside["reason_code"]) == ("refused", "zone")
    assert _register(client, token, 10, district.a1.pk).json()["state"] == "approved"  # elsewhere in the grid


def test_the_district_changes_a_limit_and_a_gathering_decided_before_shows_todays_rules(
    client, district, api_token, zone
):
    token = api_token(district.worker_a)
    first = _register(client, token, 40, district.a.pk).json()
    assert first["state"] == "approved" and first["now"] is None
    with pytest.raises(Forbidden):
        gatherings.gathering_limit_set(actor=district.worker_a, level_code="", conditions_above=10, max_size=20)
    r = client.post(
        "/api/v1/gathering-limits",
        {"level_code": "", "conditions_above": 10, "max_size": 30, "conditions": "限时两小时"},
        content_type=JSON,
        **api_token(district.hq),
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    shown = client.get(f"/api/v1/gatherings/{first['id']}", **token).json()
    assert shown["state"] == "approved"  # the decision stands as made
    assert shown["now"]["state"] == "refused"  # today's rules would refuse it
    zone("sealed", jurisdictions=[district.a.pk])
    page = district.client(district.worker_a).get(f"/livelihood/gatherings/{first['id']}/").content.decode()
    assert "Today&#x27;s rules decide otherwise" in page or "Today's rules decide otherwise" in page
    assert AuditEvent.objects.filter(action="livelihood.gathering_limit_set").exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"starts_at": "2026-12-02T10:00:00+08:00"}, "starts_at", "out_of_range"),
        ({"expected_size": 0}, "expected_size", "out_of_range"),
        ({"expected_size": 1_000_000}, "expected_size", "out_of_range"),
        ({"kind": "rave"}, "kind", "unknown_choice"),
        ({"name": "  "}, "name", "required"),
        ({"ends_at": "2026-12-05T10:00:00+08:00"}, "ends_at", "end_before_start"),
    ],
)
def test_bad_input_is_named_and_nothing_written(client, district, api_token, change, field, code):
    body = {"name": "庙会", "kind": "market", "jurisdiction_id": district.a.pk, "starts_at": SATURDAY}
    body |= {"expected_size": 30} | change
    r = client.post("/api/v1/gatherings", body, content_type=JSON, **api_token(district.worker_a))
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == field
    assert not Gathering.objects.exists()


def test_a_limit_that_contradicts_itself_is_refused(district):
    with pytest.raises(FieldError) as bad:
        gatherings.gathering_limit_set(actor=district.hq, level_code="", conditions_above=80, max_size=50)
    assert bad.value.code == "out_of_range"
    with pytest.raises(FieldError) as unknown:
        gatherings.gathering_limit_set(actor=district.hq, level_code="nowhere", conditions_above=1, max_size=2)
    assert unknown.value.code == "unknown_choice"


def test_outsiders_see_nothing(client, district, api_token):
    r = _register(client, api_token(district.worker_a), 30, district.a.pk)
    gid = r.json()["id"]
    outsider = api_token(district.worker_b)
    assert client.get(f"/api/v1/gatherings/{gid}", **outsider).status_code == 404
    assert client.get("/api/v1/gatherings", **outsider).json()["count"] == 0
    cancel = client.post(f"/api/v1/gatherings/{gid}/cancel", {"note": "x"}, content_type=JSON, **outsider)
    assert cancel.status_code == 404
    assert district.client(district.worker_b).get(f"/livelihood/gatherings/{gid}/").status_code == 404
    elsewhere = _register(client, outsider, 30, district.a.pk)  # registering in A from B
    assert elsewhere.status_code == 400 and elsewhere.json()["code"] == "not_found"


def test_a_retried_registration_is_answered_not_repeated(client, district, api_token):
    token = api_token(district.worker_a) | {"HTTP_IDEMPOTENCY_KEY": "g-1"}
    first = _register(client, token, 30, district.a.pk)
    again = _register(client, token, 30, district.a.pk)
    assert first.json()["id"] == again.json()["id"] and Gathering.objects.count() == 1


def test_the_page_registers_decides_and_cancels(district):
    worker = district.client(district.worker_a)
    form = {
        "action": "register", "key": "k1", "name": "李家葬礼", "kind": "funeral", "jurisdiction_id": district.a.pk,
        "starts_at": "2026-12-04T08:00", "expected_size": "40",
    }  # fmt: skip
    r = worker.post("/livelihood/gatherings/", form, follow=True)
    g = Gathering.objects.get()
    assert r.redirect_chain[-1][0] == f"/livelihood/gatherings/{g.pk}/"
    assert "Approved" in r.content.decode() and "Within the limit of 50 people" in r.content.decode()
    no_note = worker.post(f"/livelihood/gatherings/{g.pk}/", {"note": ""})
    assert no_note.status_code == 400 and no_note.context["error"].code == "required"
    worker.post(f"/livelihood/gatherings/{g.pk}/", {"note": "家属改为从简"})
    g.refresh_from_db()
    assert g.state == "cancelled"
    listing = worker.get("/livelihood/gatherings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "李家葬礼" in listing and "丧事" in listing


def test_the_reason_is_read_in_the_readers_language(client, district, api_token):
    token = api_token(district.worker_a)
    gid = _register(client, token, 150, district.a.pk).json()["id"]
    zh = client.get(f"/api/v1/gatherings/{gid}", HTTP_ACCEPT_LANGUAGE="zh-hans", **token).json()["reason"]
    en = client.get(f"/api/v1/gatherings/{gid}", HTTP_ACCEPT_LANGUAGE="en", **token).json()["reason"]
    assert "150" in zh and "over the limit" in en and zh != en


def test_defaults_are_written_once_and_kept(district):
    gatherings.gathering_limit_set(actor=district.hq, level_code="", conditions_above=5, max_size=10)
    gatherings.ensure_default_limits()
    assert gatherings.decide(jurisdiction=district.a, place=None, size=8).state == "limited"
    assert NOW + timedelta(days=1)  # the frozen clock is in use
