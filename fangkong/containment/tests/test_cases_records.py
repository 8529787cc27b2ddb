"""Cases: recorded by hand with where found and their source, changed with the audit, linked to their source case
without cycles, listed and shown within the viewer's reach."""

from __future__ import annotations

from datetime import timedelta

from fangkong.conftest import make_person
from fangkong.containment.cases import case_confirm, case_source_set
from fangkong.containment.models import Case
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.models import AuditEvent

JSON = "application/json"


def _post(client, token, url, body, method="post"):
    return getattr(client, method)(url, body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **token)


def test_a_case_recorded_by_hand_keeps_where_found_onset_and_source(client, district, api_token):
    hq = api_token(district.hq)
    source = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    onset = (clock.localdate() - timedelta(days=2)).isoformat()
    r = _post(
        client,
        hq,
        "/api/v1/cases",
        {
            "person_id": district.person_a.pk,
            "source": "clinic",
            "reference": "发热门诊-12",
            "classification": "confirmed",
            "onset_date": onset,
            "source_case_id": source.pk,
            "source_certainty": "suspected",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["source"] == "clinic" and body["onset_date"] == onset and body["outcome"] == "in_treatment"
    assert body["source_case_id"] == source.pk and body["source_certainty"] == "suspected"
    assert body["cluster_id"] is None and body["contacts"] == []
    got = client.get(f"/api/v1/cases/{body['id']}", **hq).json()
    assert got["source_case_id"] == source.pk and "contacts" in got and "cluster_id" in got
    assert AuditEvent.objects.filter(action="case.confirm", object_id=str(body["id"])).exists()


def test_bad_cases_are_refused_with_codes_and_nothing_written(client, district, api_token):
    hq = api_token(district.hq)
    future = (clock.localdate() + timedelta(days=1)).isoformat()
    body = {"person_id": district.person_a.pk, "onset_date": future}
    r = _post(client, hq, "/api/v1/cases", body)
    assert r.status_code == 400 and r.json()["code"] == "in_future"
    r = _post(client, hq, "/api/v1/cases", {"person_id": district.person_a.pk, "source": "rumour"})
    assert r.status_code == 400 and r.json()["code"] == "unknown_choice"
    r = _post(client, hq, "/api/v1/cases", {"person_id": district.person_a.pk, "source_case_id": 999999})
    assert r.status_code == 400 and r.json()["code"] == "unknown_choice"  # a source named must say how sure
    body = {"person_id": district.person_a.pk, "source_case_id": 999999, "source_certainty": "known"}
    r = _post(client, hq, "/api/v1/cases", body)
    assert r.status_code == 400 and r.json()["code"] == "not_found"
    assert not Case.objects.exists()
    assert _post(client, hq, "/api/v1/cases", {"person_id": district.person_a.pk}).status_code == 201
    again = _post(client, hq, "/api/v1/cases", {"person_id": district.person_a.pk})
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    assert Case.objects.count() == 1


def test_classification_onset_and_outcome_changes_are_audited(client, district, api_token):
    hq = api_token(district.hq)
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    Case.objects.filter(pk=case.pk).update(classification="asymptomatic")
    onset = clock.localdate().isoformat()
    r = _post(
        client,
        hq,
        f"/api/v1/cases/{case.pk}",
        {"classification": "confirmed", "onset_date": onset, "outcome": "recovered", "note": "出现症状"},
        method="patch",
    )
    assert r.status_code == 200, r.content
    assert r.json()["classification"] == "confirmed" and r.json()["outcome"] == "recovered"
    event = AuditEvent.objects.get(action="case.update", object_id=str(case.pk))
    assert event.fields["classification"] == {"before": "asymptomatic", "after": "confirmed"}
    assert event.fields["onset_date"]["after"] == onset
    future = (clock.localdate() + timedelta(days=3)).isoformat()
    r = _post(client, hq, f"/api/v1/cases/{case.pk}", {"onset_date": future}, method="patch")
    assert r.status_code == 400 and r.json()["code"] == "in_future"
    r = _post(client, hq, f"/api/v1/cases/{case.pk}", {"outcome": "vanished"}, method="patch")
    assert r.status_code == 400 and r.json()["code"] == "unknown_choice"
    assert Case.objects.get(pk=case.pk).onset_date == clock.localdate()


def test_a_source_that_makes_a_cycle_is_refused(client, district, api_token):
    hq = api_token(district.hq)
    people = [district.person_a, district.person_b, make_person(district.a, district.a2, name="赵六")]
    a, b, c = (case_confirm(actor=System("test"), person_id=p.pk, source="testing") for p in people)
    case_source_set(actor=district.hq, case_id=b.pk, source_case_id=a.pk, source_certainty="known")
    case_source_set(actor=district.hq, case_id=c.pk, source_case_id=b.pk, source_certainty="suspected")
    for case, source in ((a, c), (a, b), (a, a)):
        r = _post(
            client,
            hq,
            f"/api/v1/cases/{case.pk}/source",
            {"source_case_id": source.pk, "source_certainty": "known"},
            method="put",
        )
        assert r.status_code == 400 and r.json()["code"] == "cycle", (case.pk, source.pk)
    assert Case.objects.get(pk=a.pk).source_case_id is None
    r = _post(
        client, hq, f"/api/v1/cases/{a.pk}/source", {"source_case_id": 999999, "source_certainty": "known"}, "put"
    )
    assert r.status_code == 400 and r.json()["code"] == "not_found"
    r = _post(client, hq, f"/api/v1/cases/{a.pk}/source", {"source_certainty": "known"}, "put")
    assert r.status_code == 400 and r.json()["code"] == "required"
    # Unknown again: the link goes.
    r = _post(client, hq, f"/api/v1/cases/{c.pk}/source", {"source_certainty": "unknown"}, "put")
    assert r.status_code == 200 and r.json()["source_case_id"] is None
    event = AuditEvent.objects.filter(action="case.source", object_id=str(c.pk)).order_by("-pk").first()
    assert event is not None and event.fields["source_case"] == {"before": b.pk, "after": None}


def test_the_list_filters_and_stays_within_reach(client, district, api_token):
    a = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    b = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    Case.objects.filter(pk=b.pk).update(classification="asymptomatic")
    case_source_set(actor=district.hq, case_id=a.pk, source_case_id=b.pk, source_certainty="known")
    hq = api_token(district.hq)

    def ids(token, query=""):
        r = client.get(f"/api/v1/cases{query}", **token)
        assert r.status_code == 200, r.content
        return {c["id"] for c in r.json()["items"]}

    assert ids(hq) == {a.pk, b.pk}
    assert ids(hq, "?classification=asymptomatic") == {b.pk}
    assert ids(hq, "?source_unknown=true") == {b.pk}
    assert ids(hq, f"?jurisdiction={district.s2.pk}") == {b.pk}
    assert ids(hq, "?state=released") == set()
    street1 = api_token(district.street1)
    assert ids(street1) == {a.pk}
    assert client.get(f"/api/v1/cases/{b.pk}", **street1).status_code == 404
    assert client.get(f"/api/v1/cases?jurisdiction={district.s2.pk}", **street1).status_code == 404
    assert client.get("/api/v1/cases", **api_token(district.worker_a)).status_code == 403
    r = _post(client, street1, f"/api/v1/cases/{b.pk}", {"outcome": "died"}, method="patch")
    assert r.status_code == 404 and Case.objects.get(pk=b.pk).outcome == "in_treatment"


def test_the_pages_show_the_case_and_link_both_ways(district, containment):
    person = containment.residents[0]
    case = case_confirm(actor=System("test"), person_id=person.pk, source="testing", reference="T0001")
    street = district.client(district.street1)
    listing = street.get("/containment/cases/?state=open").content.decode()
    assert f"/containment/cases/{case.pk}/" in listing and "住**" in listing and "住户甲" not in listing
    page = street.get(f"/containment/cases/{case.pk}/").content.decode()
    assert f"/containment/people/{person.pk}/" in page and "幸福里" in page and "Positive retest" in page
    assert f"/containment/cases/{case.pk}/" in street.get(f"/containment/people/{person.pk}/").content.decode()
    for outsider in (district.worker_a, district.worker_b):
        assert district.client(outsider).get(f"/containment/cases/{case.pk}/").status_code == 404
    assert district.client(district.hq).get(f"/containment/cases/{case.pk}/").status_code == 200
    r = street.post(f"/containment/cases/{case.pk}/", {"action": "update", "outcome": "recovered"})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).outcome == "recovered"
    body = {"action": "source", "source_case_id": str(case.pk), "source_certainty": "known"}
    r = street.post(f"/containment/cases/{case.pk}/", body)
    assert r.status_code == 400 and "its own ancestor" in r.content.decode()


def test_a_case_by_hand_from_the_list_page(district, containment):
    street = district.client(district.street1)
    person = containment.residents[1]
    r = street.post("/containment/cases/", {"person_id": str(person.pk), "source": "checkpoint"})
    case = Case.objects.get(person=person)
    assert r.status_code == 302 and r["Location"].endswith(f"/containment/cases/{case.pk}/")
    assert case.source == "checkpoint"
    bad = street.post("/containment/cases/", {"person_id": str(district.person_b.pk)})
    assert bad.status_code == 400 and Case.objects.count() == 1
