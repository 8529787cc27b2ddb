"""Clinics and pharmacies as sentinels: reports, alerts to the community, the inpatient and escort register."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_id_number, make_user
from fangkong.containment.cases import case_confirm, case_release
from fangkong.containment.models import SentinelAlert, SentinelReport
from fangkong.core import clock, pii
from fangkong.core.actors import System
from fangkong.registry.models import Person, Unit

JSON = "application/json"


@pytest.fixture
def clinic(district):
    unit = Unit.objects.create(
        kind="clinic", name="园丁社区卫生服务站", code="C-1", jurisdiction=district.a, jpath=district.a.path
    )
    return make_user("doctor", "clinic_staff", unit=unit)


@pytest.fixture
def pharmacy(district):
    unit = Unit.objects.create(
        kind="pharmacy", name="老百姓大药房", code="P-1", jurisdiction=district.b, jpath=district.b.path
    )
    return make_user("chemist", "pharmacy_staff", unit=unit)


def _report(client, token, key, **body):
    return client.post(
        "/api/v1/sentinel-reports",
        body,
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="en",
        **token,
    )


def _number(person):
    return pii.decrypt(person.doc_cipher)


def test_a_fever_patient_with_no_history_raises_no_alert(client, district, clinic, api_token):
    r = _report(
        client,
        api_token(clinic),
        "f1",
        kind="fever",
        document_number=_number(district.person_a),
        name="李四",
        temperature="38.4",
        symptoms="咳嗽",
    )
    assert r.status_code == 201 and set(r.json()) == {"id", "kind"}
    assert (
        _report(
            client,
            api_token(clinic),
            "f1",
            kind="fever",
            document_number=_number(district.person_a),
            name="李四",
            temperature="38.4",
            symptoms="咳嗽",
        ).status_code
        == 200
    )
    assert SentinelReport.objects.count() == 1 and not SentinelAlert.objects.exists()


def test_a_recent_positive_buying_antivirals_alerts_their_community(client, district, pharmacy, api_token):
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    case_release(actor=district.hq, case_id=case.pk, note="出院")
    r = _report(
        client,
        api_token(pharmacy),
        "p1",
        kind="purchase",
        document_number=_number(district.person_a),
        name="李四",
        drugs=["antiviral", "antipyretic"],
    )
    # The pharmacy is not told (it would learn who is a case); the community is.
    assert r.status_code == 201 and set(r.json()) == {"id", "kind"}
    alerts = client.get("/api/v1/sentinel-alerts", **api_token(district.worker_a)).json()
    assert len(alerts) == 1 and "Positive within the last 14 days" in alerts[0]["reason"]
    assert alerts[0]["reported_by_unit"] == "老百姓大药房"
    assert client.get("/api/v1/sentinel-alerts", **api_token(district.worker_b)).json() == []  # not theirs
    handled = client.post(
        f"/api/v1/sentinel-alerts/{alerts[0]['id']}/handle",
        {"note": "已电话联系，安排核酸"},
        content_type=JSON,
        **api_token(district.worker_a),
    )
    assert handled.status_code == 200 and handled.json()["handled_at"]
    with clock.advanced(timedelta(days=15)):
        later = _report(
            client,
            api_token(pharmacy),
            "p2",
            kind="purchase",
            document_number=_number(district.person_a),
            name="李四",
            drugs=["cough"],
        )
        assert later.status_code == 201 and SentinelAlert.objects.count() == 1


def test_someone_not_in_the_register_is_recorded_as_a_visitor(client, district, clinic, api_token):
    number = make_id_number()
    r = _report(
        client,
        api_token(clinic),
        "v1",
        kind="triage",
        document_number=number,
        name="过路人",
        phone="13800001111",
        temperature=37.9,
    )
    assert r.status_code == 201
    visitor = Person.objects.get(doc_hash=pii.lookup_hash(number))
    assert (visitor.is_resident, visitor.community_id) == (False, district.a.pk)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"kind": "purchase", "drugs": []}, "drugs"),
        ({"kind": "purchase", "drugs": ["vitamins"]}, "drugs"),
        ({"kind": "fever", "temperature": "50"}, "temperature"),
        ({"kind": "fever", "document_number": "123"}, "document_number"),
    ],
)
def test_bad_reports_name_the_field(client, district, clinic, api_token, body, field):
    body = {"document_number": _number(district.person_a), "name": "李四"} | body
    r = _report(client, api_token(clinic), f"bad-{field}-{body['kind']}", **body)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == field
    assert not SentinelReport.objects.exists()


def test_only_clinics_and_pharmacies_report(client, district, api_token):
    r = _report(client, api_token(district.worker_a), "x1", kind="fever", document_number=_number(district.person_a))
    assert r.status_code == 403


def test_inpatient_register_with_one_escort_at_a_time(client, district, clinic, api_token):
    doctor = api_token(clinic)
    r = client.post(
        "/api/v1/inpatients",
        {"document_number": _number(district.person_a), "name": "李四", "ward": "呼吸科", "bed": "12"},
        content_type=JSON,
        **doctor,
    )
    assert r.status_code == 201 and r.json()["person"] == {"name": "李四"}
    pid = r.json()["id"]
    again = client.post(
        "/api/v1/inpatients",
        {"document_number": _number(district.person_a), "name": "李四", "ward": "呼吸科"},
        content_type=JSON,
        **doctor,
    )
    assert again.status_code == 400
    e1 = client.post(
        f"/api/v1/inpatients/{pid}/escorts",
        {"document_number": _number(district.person_b), "name": "王五"},
        content_type=JSON,
        **doctor,
    )
    assert e1.json()["escort"] == {"name": "王五"}
    other = make_id_number()
    e2 = client.post(
        f"/api/v1/inpatients/{pid}/escorts", {"document_number": other, "name": "陪护乙"}, content_type=JSON, **doctor
    )
    assert e2.json()["escort"]["name"] == "陪护乙"
    out = client.post(f"/api/v1/inpatients/{pid}/discharge", content_type=JSON, **doctor)
    assert out.json()["discharged_at"] and out.json()["escort"] is None
    assert (
        client.post(f"/api/v1/inpatients/{pid}/discharge", content_type=JSON, **api_token(district.hq)).status_code
        == 404
    )


def test_a_clinic_cannot_tell_whether_a_number_is_registered_or_under_which_name(client, district, pharmacy, api_token):
    """A pharmacy of community B types numbers: person A's (registered, a case) and a number nobody has."""
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    chemist = api_token(pharmacy)
    nobody = make_id_number()
    # Without a name: refused alike (not "give the name: not in the register" for the unknown one only).
    without = [
        _report(client, chemist, f"n-{i}", kind="purchase", drugs=["antiviral"], document_number=number)
        for i, number in enumerate([_number(district.person_a), nobody])
    ]
    first, second = ((r.status_code, r.json()) for r in without)
    assert first == second
    assert without[0].json()["errors"][0]["field"] == "name"
    # A bad phone: refused alike (it used to be checked only for a number not in the register).
    bad_phone = [
        _report(
            client, chemist, f"p-{i}", kind="purchase", drugs=["antiviral"], document_number=n, name="某", phone="1"
        )
        for i, n in enumerate([_number(district.person_a), nobody])
    ]
    assert bad_phone[0].json() == bad_phone[1].json() and bad_phone[0].status_code == 400
    # Accepted alike: the same fields, no alert flag, no name.
    done = [
        _report(client, chemist, f"d-{i}", kind="purchase", drugs=["antiviral"], document_number=n, name="某人")
        for i, n in enumerate([_number(district.person_a), nobody])
    ]
    assert [r.status_code for r in done] == [201, 201]
    assert set(done[0].json()) == set(done[1].json()) == {"id", "kind"}
    assert done[0].json()["kind"] == done[1].json()["kind"]
    assert SentinelAlert.objects.count() == 1  # person A's community was told


def test_a_hospital_sees_the_name_it_took_not_the_registers(client, district, clinic, api_token):
    doctor = api_token(clinic)
    r = client.post(
        "/api/v1/inpatients",
        {"document_number": _number(district.person_a), "name": "张冒名", "ward": "呼吸科"},
        content_type=JSON,
        **doctor,
    )
    assert r.status_code == 201 and r.json()["person"] == {"name": "张冒名"}
    assert district.person_a.name not in r.content.decode() and "id" not in r.json()["person"]
    no_name = [
        client.post("/api/v1/inpatients", {"document_number": n, "ward": "呼吸科"}, content_type=JSON, **doctor)
        for n in (_number(district.person_b), make_id_number())
    ]
    assert (no_name[0].status_code, no_name[0].json()) == (no_name[1].status_code, no_name[1].json())
    assert no_name[0].status_code == 400 and no_name[0].json()["errors"][0]["field"] == "name"
