"""No reply may depend on data the caller cannot see: the capability first, then the scope of every object named
(outside it reads exactly like "does not exist"), then the content. Each test compares whole replies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.containment.cases import case_confirm
from fangkong.core import clock
from fangkong.core.actors import System

JSON = "application/json"
NOBODY = 987_654_321


@pytest.fixture
def street2(district):
    """A street officer of S2: may ask for status changes, but not about anyone in community A."""
    return make_user("street2", "street_officer", jurisdiction=district.s2)


def _reply(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def _bulk(client, headers, person_id: int, record: str):
    body = {
        "colour": "red",
        "expires_at": (clock.now() + timedelta(days=3)).isoformat(),
        "items": [{"person_id": person_id, "basis": "《传染病防治法》第三十九条；密接判定", "record": record}],
    }
    return _reply(client.post("/api/v1/status-changes:bulk", body, content_type=JSON, **headers))


@pytest.mark.parametrize("who", ["unit_staff", "street2"])
def test_bulk_changes_say_nothing_about_a_case_outside_the_callers_reach(client, district, street2, api_token, who):
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    headers = api_token(street2 if who == "street2" else district.unit_staff)
    the_case = _bulk(client, headers, district.person_a.pk, f"case:{case.pk}")
    not_a_case = _bulk(client, headers, district.person_a.pk, f"case:{case.pk + 1000}")
    no_person = _bulk(client, headers, NOBODY, f"case:{case.pk}")
    assert the_case == not_a_case == no_person
    if who == "unit_staff":  # no capability: refused before anything is looked up
        assert the_case[0] == 403 and the_case[1]["code"] == "forbidden"
    else:  # the capability, not the reach: as for a person who does not exist
        assert the_case[0] == 400 and the_case[1]["errors"][0]["field"] == "person_id"
        assert the_case[1]["errors"][0]["code"] == "not_found"


def test_bulk_changes_still_check_the_record_for_people_in_reach(client, district, api_token):
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    headers = api_token(district.hq)
    status, body = _bulk(client, headers, district.person_b.pk, f"case:{case.pk}")  # person B's: not theirs
    assert status == 400 and body["errors"][0]["field"] == "record"
    status, body = _bulk(client, headers, district.person_a.pk, f"case:{case.pk}")
    assert status == 201 and body[0]["state"] == "pending"


@pytest.mark.parametrize("who", ["unit_staff", "street2"])
def test_single_changes_read_the_same_for_someone_outside_and_nobody(client, district, street2, api_token, who):
    headers = api_token(street2 if who == "street2" else district.unit_staff)
    body = {"colour": "red", "basis": "x", "expires_at": None}  # invalid content: checked last
    someone = _reply(
        client.post("/api/v1/status-changes", body | {"person_id": district.person_a.pk}, content_type=JSON, **headers)
    )
    nobody = _reply(client.post("/api/v1/status-changes", body | {"person_id": NOBODY}, content_type=JSON, **headers))
    assert someone == nobody
    assert someone[0] == (403 if who == "unit_staff" else 404)


@pytest.mark.parametrize("who", ["unit_staff", "street2"])
def test_status_cases_transfers_and_tracing_read_the_same_outside_and_for_nobody(
    client, district, street2, api_token, who
):
    headers = api_token(street2 if who == "street2" else district.unit_staff)
    a = district.person_a.pk
    pairs = [
        (f"/api/v1/people/{a}/status", f"/api/v1/people/{NOBODY}/status", None),
        (f"/api/v1/people/{a}/whereabouts?reason=x", f"/api/v1/people/{NOBODY}/whereabouts?reason=x", None),
        ("/api/v1/cases", "/api/v1/cases", ({"person_id": a}, {"person_id": NOBODY})),
        (
            "/api/v1/transfers",
            "/api/v1/transfers",
            (
                {"person_id": a, "destination_id": 1, "pickup_address": "", "vehicle": "", "crew": ""},
                {"person_id": NOBODY, "destination_id": 1, "pickup_address": "", "vehicle": "", "crew": ""},
            ),
        ),
    ]
    for url_someone, url_nobody, bodies in pairs:
        if bodies is None:
            someone, nobody = _reply(client.get(url_someone, **headers)), _reply(client.get(url_nobody, **headers))
        else:
            someone = _reply(client.post(url_someone, bodies[0], content_type=JSON, **headers))
            nobody = _reply(client.post(url_nobody, bodies[1], content_type=JSON, **headers))
        assert someone == nobody, url_someone
        # A lab's staff lacks these capabilities everywhere (403); a street officer holds them, elsewhere (404).
        assert someone[0] == (403 if who == "unit_staff" else 404), url_someone


def test_zones_do_not_name_places_outside_the_requesters_reach(client, district, containment, street2, api_token):
    headers = api_token(street2)
    body = {"level": "sealed", "basis": "确诊病例居住小区", "name": "越权"}
    someone = _reply(
        client.post("/api/v1/zones", body | {"places": [containment.compound.pk]}, content_type=JSON, **headers)
    )
    nobody = _reply(client.post("/api/v1/zones", body | {"places": [NOBODY]}, content_type=JSON, **headers))
    assert someone == nobody and someone[0] == 400
    assert containment.compound.name not in str(someone[1])
    juris = _reply(
        client.post("/api/v1/zones", body | {"jurisdictions": [district.a.pk]}, content_type=JSON, **headers)
    )
    no_juris = _reply(client.post("/api/v1/zones", body | {"jurisdictions": [NOBODY]}, content_type=JSON, **headers))
    assert juris == no_juris and district.a.name not in str(juris[1])
