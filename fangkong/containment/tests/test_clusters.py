"""Clusters: made and changed by hand (audited, within the maker's cases), filed under the narrowest jurisdiction of
their cases, seen by those who work any of them; suggested from shared households, compounds, workplaces and venue
days — never grouped automatically; the page's cases, contacts, places and timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.conftest import make_person, make_user
from fangkong.containment.cases import case_confirm, case_record, contact_add
from fangkong.containment.epi import clusters
from fangkong.containment.epi.detail import cluster_detail
from fangkong.containment.epi.suggestions import cluster_suggestions
from fangkong.containment.models import Case, Cluster, VenueScan
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.registry.models import Unit

NOW = datetime(2022, 5, 10, 4, 0, tzinfo=UTC)
JSON = "application/json"


def unit(kind: str, name: str, j) -> Unit:
    return Unit.objects.create(kind=kind, name=name, code=f"U{Unit.objects.count()}", jurisdiction=j, jpath=j.path)


def confirm(district, person, at=NOW) -> Case:
    with clock.frozen_at(at):
        return case_confirm(actor=district.hq, person_id=person.pk, source="testing")


@pytest.fixture
def street2(district):
    return make_user("street2", "street_officer", jurisdiction=district.s2)


@pytest.fixture
def pair(district):
    """A case in grid A1 and one in grid A2: community A is their narrowest jurisdiction."""
    return (
        confirm(district, make_person(district.a, district.a1, name="聚甲")),
        confirm(district, make_person(district.a, district.a2, name="聚乙")),
    )


def test_made_by_hand_filed_under_its_cases_and_audited(district, pair):
    with clock.frozen_at(NOW):
        cluster = clusters.cluster_create(
            actor=district.street1, name="园丁社区家庭聚集", kind="family", case_ids=[c.pk for c in pair]
        )
    assert cluster.jpath == district.a.path
    assert set(cluster.cases.values_list("pk", flat=True)) == {c.pk for c in pair}
    event = AuditEvent.objects.get(action="cluster.create")
    assert event.object_id == str(cluster.pk) and event.fields["cases"] == [c.pk for c in pair]
    # A case of street 2 added by HQ: the cluster now spans the district.
    other = confirm(district, make_person(district.b, district.b1, name="聚丙"))
    clusters.cluster_add_case(actor=district.hq, cluster_id=cluster.pk, case_id=other.pk)
    cluster.refresh_from_db()
    assert cluster.jpath == district.d.path
    clusters.cluster_remove_case(actor=district.hq, cluster_id=cluster.pk, case_id=other.pk)
    cluster.refresh_from_db()
    assert cluster.jpath == district.a.path and other.pk not in cluster.cases.values_list("pk", flat=True)
    assert list(
        AuditEvent.objects.filter(object_type="containment.cluster", object_id=str(cluster.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["cluster.create", "cluster.add_case", "cluster.remove_case"]


def test_bad_input_is_refused_and_nothing_is_written(district, pair):
    other = confirm(district, make_person(district.b, district.b1, name="聚丁"))
    made = clusters.cluster_create(actor=district.hq, name="已有", case_ids=[pair[0].pk])
    cases = [c.pk for c in pair]
    for kwargs, field, code in (
        ({"name": "  ", "case_ids": []}, "name", "required"),
        ({"name": "x" * 101}, "name", "too_long"),
        ({"name": "某", "kind": "school"}, "kind", "unknown_choice"),
        ({"name": "某", "case_ids": [pair[1].pk, other.pk]}, "case_ids", "not_found"),  # B's: outside street 1
        ({"name": "某", "case_ids": cases}, "case_ids", "in_cluster"),  # the first is in "已有"
    ):
        with pytest.raises(FieldError) as exc:
            clusters.cluster_create(actor=district.street1, **kwargs)
        assert (exc.value.field, exc.value.code) == (field, code)
    assert list(Cluster.objects.values_list("pk", flat=True)) == [made.pk]
    assert Case.objects.get(pk=pair[1].pk).cluster_id is None
    with pytest.raises(FieldError) as exc:
        clusters.cluster_add_case(actor=district.street1, cluster_id=made.pk, case_id=pair[0].pk)
    assert exc.value.code == "duplicate"
    with pytest.raises(FieldError) as exc:
        clusters.cluster_remove_case(actor=district.street1, cluster_id=made.pk, case_id=pair[1].pk)
    assert exc.value.code == "not_found"
    second = clusters.cluster_create(actor=district.street1, name="另一个")
    with pytest.raises(FieldError) as exc:
        clusters.cluster_add_case(actor=district.street1, cluster_id=second.pk, case_id=pair[0].pk)
    assert exc.value.code == "in_cluster"


def test_seen_by_those_who_work_its_cases(client, district, pair, street2, api_token):
    cluster = clusters.cluster_create(actor=district.street1, name="甲区聚集", case_ids=[c.pk for c in pair])
    with pytest.raises(NotFound):
        clusters.cluster_get(user=street2, cluster_id=cluster.pk)
    with pytest.raises(Forbidden):  # a community worker does not work cases
        clusters.cluster_get(user=district.worker_a, cluster_id=cluster.pk)
    with pytest.raises(NotFound):  # nor changes a cluster they cannot see
        clusters.cluster_add_case(actor=street2, cluster_id=cluster.pk, case_id=pair[0].pk)
    b_case = confirm(district, make_person(district.b, district.b1, name="聚戊"))
    clusters.cluster_add_case(actor=district.hq, cluster_id=cluster.pk, case_id=b_case.pk)
    # Now street 2 works one of its cases: it sees the cluster, with its own case only.
    seen = cluster_detail(user=street2, cluster=clusters.cluster_get(user=street2, cluster_id=cluster.pk))
    assert [c.pk for c in seen.cases] == [b_case.pk] and seen.hidden == 2
    s2 = api_token(street2)
    assert client.get(f"/api/v1/clusters/{cluster.pk}", **s2).json()["case_ids"] == [b_case.pk]
    assert "聚甲" not in district.client(street2).get(f"/containment/clusters/{cluster.pk}/").content.decode()


def test_outsiders_are_refused(client, district, pair, street2, api_token):
    cluster = clusters.cluster_create(actor=district.street1, name="甲区标记聚集", case_ids=[pair[0].pk])
    s2 = api_token(street2)
    assert client.get(f"/api/v1/clusters/{cluster.pk}", **s2).status_code == 404
    assert client.get("/api/v1/clusters/999999", **s2).status_code == 404
    r = client.post(f"/api/v1/clusters/{cluster.pk}/cases", {"case_id": pair[1].pk}, content_type=JSON, **s2)
    assert r.status_code == 404
    assert client.delete(f"/api/v1/clusters/{cluster.pk}/cases/{pair[0].pk}", **s2).status_code == 404
    assert "甲区标记" not in client.get("/api/v1/clusters", **s2).content.decode()
    assert "甲区标记" not in district.client(street2).get("/containment/clusters/").content.decode()
    assert district.client(street2).get(f"/containment/clusters/{cluster.pk}/").status_code == 404
    for user in (district.worker_a, district.unit_staff):
        assert client.get(f"/api/v1/clusters/{cluster.pk}", **api_token(user)).status_code == 403
        assert client.get("/api/v1/clusters/999999", **api_token(user)).status_code == 403
    assert Case.objects.get(pk=pair[0].pk).cluster_id == cluster.pk


def test_the_api_makes_and_changes_a_cluster(client, district, pair, api_token):
    s1 = api_token(district.street1)
    r = client.post(
        "/api/v1/clusters", {"name": "工地聚集", "kind": "workplace", "case_ids": [pair[0].pk]}, content_type=JSON, **s1
    )
    assert r.status_code == 201 and r.json()["case_ids"] == [pair[0].pk]
    cluster_id = r.json()["id"]
    r = client.post(f"/api/v1/clusters/{cluster_id}/cases", {"case_id": pair[1].pk}, content_type=JSON, **s1)
    assert r.status_code == 200 and r.json()["case_ids"] == sorted(c.pk for c in pair)
    r = client.post(f"/api/v1/clusters/{cluster_id}/cases", {"case_id": pair[1].pk}, content_type=JSON, **s1)
    assert r.status_code == 400 and r.json()["code"] == "duplicate"
    r = client.delete(f"/api/v1/clusters/{cluster_id}/cases/{pair[0].pk}", **s1)
    assert r.status_code == 200 and r.json()["case_ids"] == [pair[1].pk]
    r = client.post("/api/v1/clusters", {"name": "", "kind": "workplace"}, content_type=JSON, **s1)
    assert r.status_code == 400 and r.json()["code"] == "required"
    assert [c["id"] for c in client.get("/api/v1/clusters", **s1).json()["items"]] == [cluster_id]
    curve = client.get(f"/api/v1/epicurve?cluster={cluster_id}&by=report", **s1).json()
    assert curve["cluster_id"] == cluster_id and sum(d["confirmed"] for d in curve["days"]) == 1


# --- suggestions ---------------------------------------------------------------------------------------------


def test_suggested_from_a_shared_household_compound_workplace_and_venue_day(district, containment):
    r0, r1, r2 = containment.residents  # 101: r0 and r1; 102: r2 — all in the compound 幸福里
    plant = Unit.objects.create(
        kind="employer", name="化工厂", code="EMP1", jurisdiction=district.a, jpath=district.a.path
    )
    market = Unit.objects.create(
        kind="venue", name="农贸市场", code="VEN1", jurisdiction=district.a, jpath=district.a.path
    )
    w1 = make_person(district.a, district.a2, name="工甲")
    w2 = make_person(district.b, district.b1, name="工乙")
    for w in (w1, w2):
        w.unit = plant
        w.save(update_fields=["unit"])
    m1, m2, m3 = (make_person(district.a, district.a2, name=n) for n in ("市甲", "市乙", "市丙"))
    cases = {p.name: confirm(district, p) for p in (r0, r1, r2, w1, w2, m1, m2, m3)}
    day = NOW - timedelta(days=3)
    for p, at in ((m1, day), (m2, day + timedelta(hours=2)), (m3, NOW - timedelta(days=20))):  # m3: too long before
        VenueScan.objects.create(venue=market, person=p, at=at, colour="green", jpath=market.jpath)
    with clock.frozen_at(NOW):
        found = cluster_suggestions(user=district.hq)
    shown = {(s.basis, s.place): set(s.case_ids) for s in found}
    assert shown[("household", "幸福里 1号楼 101")] == {cases[r0.name].pk, cases[r1.name].pk}
    assert shown[("compound", "幸福里")] == {cases[n].pk for n in (r0.name, r1.name, r2.name)}
    assert shown[("workplace", "化工厂")] == {cases["工甲"].pk, cases["工乙"].pk}
    assert shown[("venue", "农贸市场")] == {cases["市甲"].pk, cases["市乙"].pk}
    venue = next(s for s in found if s.basis == "venue")
    assert venue.dates == [clock.localdate(day)] and venue.kind == Cluster.Kind.VENUE
    # Each within the reader's cases: street 1 does not see the B worker, so no workplace pair for it.
    with clock.frozen_at(NOW):
        assert "workplace" not in {s.basis for s in cluster_suggestions(user=district.street1)}
        assert cluster_suggestions(user=district.worker_a) == []
    # Grouped (by hand), they are suggested no more; nor are cases reported long ago.
    clusters.cluster_create(
        actor=district.hq, name="幸福里", case_ids=[cases[n].pk for n in (r0.name, r1.name, r2.name)]
    )
    with clock.frozen_at(NOW + timedelta(days=1)):
        assert {s.basis for s in cluster_suggestions(user=district.hq)} == {"workplace", "venue"}
    with clock.frozen_at(NOW + timedelta(days=40)):
        assert cluster_suggestions(user=district.hq) == []


def test_one_click_groups_a_suggestion(district, containment):
    r0, r1, _r2 = containment.residents
    a, b = confirm(district, r0), confirm(district, r1)
    with clock.frozen_at(NOW):
        page = district.client(district.street1).get("/containment/clusters/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Same household" in html and f'name="case_ids" value="{a.pk}"' in html
        assert Cluster.objects.count() == 0  # listed only
        r = district.client(district.street1).post(
            "/containment/clusters/", {"name": "幸福里 1号楼 101 cluster", "kind": "family", "case_ids": [a.pk, b.pk]}
        )
    cluster = Cluster.objects.get()
    assert r.status_code == 302 and r.url == f"/containment/clusters/{cluster.pk}/"
    assert set(cluster.cases.values_list("pk", flat=True)) == {a.pk, b.pk} and cluster.kind == "family"
    followed = district.client(district.street1).get(r.url)
    assert "2 cases" in followed.content.decode()


def test_pages_say_what_is_wrong(district, pair):
    c = district.client(district.street1)
    r = c.post("/containment/clusters/", {"name": "", "kind": "family"})
    assert r.status_code == 400 and 'data-code="required"' in r.content.decode() and Cluster.objects.count() == 0
    cluster = clusters.cluster_create(actor=district.street1, name="某聚集")
    r = c.post(f"/containment/clusters/{cluster.pk}/", {"action": "add", "case_id": "abc"})
    assert r.status_code == 400 and 'data-field="case_id"' in r.content.decode()
    r = c.post(f"/containment/clusters/{cluster.pk}/", {"action": "add", "case_id": pair[0].pk}, follow=True)
    assert r.status_code == 200 and "Case added to the cluster." in r.content.decode()
    r = c.post(f"/containment/clusters/{cluster.pk}/", {"action": "remove", "case_id": pair[0].pk}, follow=True)
    assert "Case taken out of the cluster." in r.content.decode()
    assert Case.objects.get(pk=pair[0].pk).cluster_id is None


def test_the_cluster_page_has_its_cases_contacts_places_and_timeline(district, containment):
    r0, r1, _r2 = containment.residents
    with clock.frozen_at(NOW):
        first = case_record(actor=district.hq, person_id=r0.pk, onset_date=date(2022, 5, 7))
        contact_add(
            actor=district.hq,
            case_id=first.pk,
            person_id=containment.outsider.pk,
            last_contact_at=NOW - timedelta(days=1),
        )
    second = confirm(district, r1, NOW + timedelta(hours=5))
    market = Unit.objects.create(
        kind="venue", name="农贸市场", code="VEN2", jurisdiction=district.a, jpath=district.a.path
    )
    VenueScan.objects.create(venue=market, person=r1, at=NOW - timedelta(days=2), colour="green", jpath=market.jpath)
    cluster = clusters.cluster_create(
        actor=district.hq, name="幸福里聚集", kind="family", case_ids=[first.pk, second.pk]
    )
    shown = cluster_detail(user=district.street1, cluster=cluster)
    assert [c.pk for c in shown.cases] == [first.pk, second.pk] and shown.hidden == 0
    assert [m.person_id for m in shown.contacts] == [containment.outsider.pk]
    assert {(p["kind"], p["name"]) for p in shown.places} == {("compound", "幸福里"), ("venue", "农贸市场")}
    assert next(p for p in shown.places if p["kind"] == "venue")["days"] == [clock.localdate(NOW - timedelta(days=2))]
    whats = [e["what"] for e in shown.timeline]
    assert whats[0] == "Onset of symptoms" and whats.count("Confirmed case") == 2 and "Close contact" in whats
    assert [e["moment"] for e in shown.timeline] == sorted(e["moment"] for e in shown.timeline)
    with clock.frozen_at(NOW + timedelta(days=1)):
        page = district.client(district.street1).get(f"/containment/clusters/{cluster.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "农贸市场" in html and 'id="epicurve-data"' in html
    assert f"/containment/cases/{first.pk}/chain/" in html
