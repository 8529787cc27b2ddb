"""Logistics channel passes (issue 20, point 3): a carrier applies without an account and asks how it stands with
its reference and plate; the transport department approves, rejects with a reason, or revokes; the checkpoint page
shows a valid pass beside the instruction when the vehicle is registered; bad input named; others refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.conftest import make_user
from fangkong.core import clock, pii
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.livelihood import logistics
from fangkong.livelihood.models import LogisticsPass
from fangkong.registry.models import Unit
from fangkong.screening.tests.conftest import screening  # noqa: F401  (the checkpoints)
from fangkong.screening.tests.test_pages import form

JSON = "application/json"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def transport(district):
    dept = Unit.objects.create(
        kind="department", name="区交通运输局", code="D-TRANS", jurisdiction=district.d, jpath=district.d.path
    )
    return make_user("transport", "transport_regulator", unit=dept)


def _application(**change):
    body = {
        "plate": "辽L·12345", "company": "盘锦鲜达物流", "goods": "蔬菜、肉蛋", "route": "沈阳—兴隆台区各超市",
        "driver_name": "孙师傅", "driver_phone": "139 1234 5678", "valid_from": "2026-12-03T08:00:00+08:00",
        "valid_until": "2026-12-10T20:00:00+08:00",
    }  # fmt: skip
    return body | change


def test_a_carrier_applies_and_the_transport_department_approves(client, district, transport, api_token):
    r = client.post("/api/v1/public/logistics-passes", _application(), content_type=JSON)
    assert r.status_code == 201, r.content
    ref = r.json()["reference"]
    assert r.json()["state"] == "pending" and r.json()["plate"] == "辽L12345"
    p = LogisticsPass.objects.get()
    assert pii.decrypt(p.driver_phone_cipher) == "13912345678" and b"13912345678" not in bytes(p.driver_phone_cipher)
    status = client.get(f"/api/v1/public/logistics-passes/{ref}", {"plate": "辽L12345"})
    assert status.status_code == 200 and status.json()["state"] == "pending"
    assert client.get(f"/api/v1/public/logistics-passes/{ref}", {"plate": "辽L99999"}).status_code == 404
    token = api_token(transport)
    listed = client.get("/api/v1/logistics-passes", **token).json()
    assert listed["count"] == 1 and listed["items"][0]["driver_name"] == "孙师傅"
    assert "driver_phone" not in listed["items"][0]  # the phone stays encrypted
    ok = client.post(f"/api/v1/logistics-passes/{p.pk}/decide", {"approve": True}, content_type=JSON, **token)
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    again = client.post(
        f"/api/v1/logistics-passes/{p.pk}/decide", {"approve": False, "note": "x"}, content_type=JSON, **token
    )
    assert again.status_code == 400 and again.json()["code"] == "not_pending"
    assert AuditEvent.objects.filter(action="livelihood.logistics_decide").exists()


def test_a_rejection_says_why(client, district, transport, api_token):
    p = logistics.logistics_pass_apply(**_application_values())
    token = api_token(transport)
    no_reason = client.post(f"/api/v1/logistics-passes/{p.pk}/decide", {"approve": False}, content_type=JSON, **token)
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "required"
    r = client.post(
        f"/api/v1/logistics-passes/{p.pk}/decide",
        {"approve": False, "note": "非生活必需品"},
        content_type=JSON,
        **token,
    )
    assert r.json()["state"] == "rejected"
    shown = client.get(f"/api/v1/public/logistics-passes/{p.reference}", {"plate": p.plate}).json()
    assert shown["state"] == "rejected" and shown["note"] == "非生活必需品"


def _application_values(**change):
    values = _application(**change)
    for key in ("valid_from", "valid_until"):
        values[key] = datetime.fromisoformat(values[key])
    return values


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"plate": "ABC"}, "plate", "invalid"),
        ({"driver_phone": "12345"}, "driver_phone", "invalid"),
        ({"valid_until": "2026-12-03T07:00:00+08:00"}, "valid_until", "end_before_start"),
        ({"valid_until": "2027-01-20T07:00:00+08:00"}, "valid_until", "out_of_range"),
        ({"goods": " "}, "goods", "required"),
    ],
)
def test_bad_applications_are_named_and_nothing_written(client, district, change, field, code):
    r = client.post("/api/v1/public/logistics-passes", _application(**change), content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == field
    assert not LogisticsPass.objects.exists()


def test_only_the_transport_department_and_hq_decide(client, district, transport, api_token):
    p = logistics.logistics_pass_apply(**_application_values())
    for user in (district.worker_a, district.street1):
        token = api_token(user)
        r = client.post(f"/api/v1/logistics-passes/{p.pk}/decide", {"approve": True}, content_type=JSON, **token)
        assert r.status_code == 403
        assert client.get("/api/v1/logistics-passes", **token).json()["count"] == 0
        assert client.get("/api/v1/logistics-passes/check", {"plate": "辽L12345"}, **token).status_code == 403
    assert district.client(district.worker_a).get("/livelihood/logistics/").status_code == 404
    assert district.client(district.hq).get("/livelihood/logistics/").status_code == 200


def test_the_checkpoint_sees_a_valid_pass_and_not_a_revoked_one(district, screening, transport, api_token, client):  # noqa: F811
    p = logistics.logistics_pass_apply(**_application_values())
    logistics.logistics_pass_decide(actor=transport, pass_id=p.pk, approve=True)
    staff = district.client(screening.staff1)
    r = staff.post(f"/screening/checkpoints/{screening.cp1.pk}/", form(district, plate="辽L 12345", key="k-9"))
    body = r.content.decode()
    assert r.status_code == 200 and f"Logistics pass {p.reference}" in body and "盘锦鲜达物流" in body
    checked = client.get("/api/v1/logistics-passes/check", {"plate": "辽L12345"}, **api_token(screening.staff1))
    assert checked.status_code == 200 and checked.json()[0]["valid"] is True
    logistics.logistics_pass_revoke(actor=transport, pass_id=p.pk, note="驾驶员健康码转红")
    r = staff.post(f"/screening/checkpoints/{screening.cp1.pk}/", form(district, plate="辽L12345", key="k-10"))
    assert "Logistics pass" not in r.content.decode()
    later = logistics.passes_for_plate("辽L12345", NOW)
    assert later == []


def test_an_expired_pass_is_shown_as_expired(district, transport):
    p = logistics.logistics_pass_apply(**_application_values())
    logistics.logistics_pass_decide(actor=transport, pass_id=p.pk, approve=True)
    after = NOW + timedelta(days=7, hours=12)  # the pass ended at 20:00 on the 10th
    notes = logistics.vehicle_notes("辽L12345", after)
    assert len(notes) == 1 and notes[0].tone == "caution" and "expired" in notes[0].detail


def test_the_public_page_applies_and_looks_up(client, district):
    page = client.post(
        "/me/logistics-pass/", _application(valid_from="2026-12-03T10:00", valid_until="2026-12-05T10:00")
    )
    assert page.status_code == 200, page.content
    p = LogisticsPass.objects.get()
    assert p.reference in page.content.decode()
    shown = client.get(
        "/me/logistics-pass/", {"reference": p.reference, "plate": "辽L12345"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Awaiting approval" in shown.content.decode()
    missing = client.get(
        "/me/logistics-pass/", {"reference": "WL00000000", "plate": "辽L12345"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "No application with this reference" in missing.content.decode()


def test_a_route_through_a_sealed_zone_is_refused(client, district, transport):
    from fangkong.containment.zones import zone_approve, zone_request

    zone = zone_request(
        actor=district.hq, name="园丁封控区", level="sealed", basis="确诊病例", jurisdictions=[district.a.pk]
    )
    zone_approve(actor=make_user("hq2", "hq_admin", jurisdiction=district.d), zone_id=zone.pk)
    body = _application(through=[district.s2.pk, district.a.pk])
    r = client.post("/api/v1/public/logistics-passes", body, content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == "through_sealed" and "园丁封控区" in r.json()["detail"]
    assert not LogisticsPass.objects.exists()
    around = client.post("/api/v1/public/logistics-passes", _application(through=[district.s2.pk]), content_type=JSON)
    assert around.status_code == 201


def test_a_zone_sealed_after_the_application_stops_its_approval(district, transport):
    from fangkong.containment.zones import zone_approve, zone_request

    p = logistics.logistics_pass_apply(**_application_values(through=[district.b.pk]))
    q = logistics.logistics_pass_apply(**_application_values(through=[district.b1.pk], plate="辽L54321"))
    zone = zone_request(
        actor=district.hq, name="胜利封控区", level="sealed", basis="确诊病例", jurisdictions=[district.b1.pk]
    )
    zone_approve(actor=make_user("hq2", "hq_admin", jurisdiction=district.d), zone_id=zone.pk)
    # The zone covers one grid of the community: the community itself is not sealed, the pass may go.
    assert logistics.logistics_pass_decide(actor=transport, pass_id=p.pk, approve=True).state == "approved"
    with pytest.raises(FieldError) as sealed:
        logistics.logistics_pass_decide(actor=transport, pass_id=q.pk, approve=True)
    assert sealed.value.code == "through_sealed"
