"""Co-presence (时空伴随): who was at the same venue or checkpoint as a case at about the same time, before their
onset — candidates only, each query with its purpose on the record, scoped like tracing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from fangkong.conftest import make_id_number, make_person, make_user
from fangkong.containment.cases import case_confirm
from fangkong.containment.copresence import copresence_candidates, copresence_confirm, copresence_dismiss
from fangkong.containment.models import Case, CloseContact, CopresenceReview
from fangkong.containment.status import status_of
from fangkong.containment.venues import venue_code, venue_scan
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.registry.codes import person_code
from fangkong.registry.models import Person, Unit
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.conftest import screening  # noqa: F401  (fixture)

PURPOSE = "病例幸福里1号流调：排查时空伴随"


@dataclass
class Scene:
    case: Case
    together: Person  # at the market 10 minutes after the case
    later: Person  # at the market 45 minutes after: not together
    elsewhere: Person  # at another venue at the same time
    before: Person  # at the market a week before the onset
    crossing: Person  # through the same checkpoint 5 minutes after the case


@pytest.fixture
def scene(district, screening) -> Scene:  # noqa: F811
    market = Unit.objects.create(
        kind="venue", name="兴隆农贸市场", code="V-M", jurisdiction=district.a, jpath=district.a.path
    )
    shop = Unit.objects.create(kind="venue", name="便利店", code="V-S", jurisdiction=district.a, jpath=district.a.path)
    door = make_user("door", "venue_staff", unit=market)
    shop_door = make_user("shop_door", "venue_staff", unit=shop)
    codes = {market.pk: venue_code(actor=district.worker_a, venue_id=market.pk).code}
    codes[shop.pk] = venue_code(actor=district.worker_a, venue_id=shop.pk).code
    number = make_id_number()
    patient = make_person(district.a, district.a1, name="病例甲", number=number)
    people = {
        name: make_person(district.a, district.a1, name=name) for name in ("同场乙", "晚到丙", "别处丁", "早前戊")
    }
    crossing_number = make_id_number()
    crossing = make_person(district.b, name="同道己", number=crossing_number)
    onset = clock.localdate() - timedelta(days=1)
    noon = clock.start_of_day(onset) - timedelta(days=1) + timedelta(hours=12)  # the day before the onset

    def scan(person, venue, at):
        with clock.frozen_at(at):
            venue_scan(
                actor=door if venue == market else shop_door,
                venue_code=codes[venue.pk],
                person_code=person_code(actor=district.hq, person_id=person.pk),
                device="t",
            )

    scan(patient, market, noon)
    scan(people["同场乙"], market, noon + timedelta(minutes=10))
    scan(people["晚到丙"], market, noon + timedelta(minutes=45))
    scan(people["别处丁"], shop, noon)
    scan(people["早前戊"], market, noon - timedelta(days=7))

    def cross(number, name, at):
        with clock.frozen_at(at):
            passage_register(
                actor=screening.staff1,
                checkpoint_id=screening.cp1.pk,
                data=PassageInput(
                    direction="in", document_number=number, name=name, destination_community=district.a.pk
                ),
            )

    cross(number, "病例甲", noon + timedelta(hours=3))
    cross(crossing_number, "同道己", noon + timedelta(hours=3, minutes=5))
    case = case_confirm(actor=System("test"), person_id=patient.pk, source="testing")
    Case.objects.filter(pk=case.pk).update(onset_date=onset)
    case.refresh_from_db()
    return Scene(
        case=case,
        together=people["同场乙"],
        later=people["晚到丙"],
        elsewhere=people["别处丁"],
        before=people["早前戊"],
        crossing=crossing,
    )


def test_the_candidates_are_those_at_the_same_place_and_time(district, scene):
    _case, window, found = copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)
    assert [(c.person_id, c.place_kind, c.overlap_minutes) for c in found] == [
        (scene.crossing.pk, "checkpoint", 25),
        (scene.together.pk, "venue", 20),
    ]
    assert [c.person for c in found] == ["同**", "同**"]  # masked: the list is for review
    assert found[1].place == "兴隆农贸市场" and not any(c.contact for c in found)
    assert window.since == clock.start_of_day(scene.case.onset_date) - timedelta(days=4)
    # A wider window takes in the one who came 45 minutes later.
    _c, _w, wider = copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE, minutes=60)
    assert scene.later.pk in {c.person_id for c in wider}
    # Nobody's status changed: candidates are not contacts.
    assert not CloseContact.objects.exists()


def test_every_query_is_on_the_record_with_its_purpose(district, scene):
    copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)
    event = AuditEvent.objects.get(action="trace.copresence")
    assert event.reason == PURPOSE and event.fields["candidates"] == 2 and event.actor_name == "street1"


@pytest.mark.parametrize("purpose", ["", "test", "1234"])
def test_a_query_without_a_purpose_is_refused(district, scene, purpose):
    with pytest.raises(FieldError) as e:
        copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=purpose)
    assert (e.value.field, e.value.code) == ("purpose", "reason_required")
    assert not AuditEvent.objects.filter(action="trace.copresence").exists()


@pytest.mark.parametrize(("field", "kw"), [("days_before", {"days_before": 0}), ("minutes", {"minutes": 600})])
def test_a_window_out_of_range_is_refused(district, scene, field, kw):
    with pytest.raises(FieldError) as e:
        copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE, **kw)
    assert (e.value.field, e.value.code) == (field, "out_of_range")


def test_a_contact_already_recorded_is_marked(district, scene):
    CloseContact.objects.create(
        case=scene.case,
        person=scene.together,
        last_contact_at=clock.now() - timedelta(days=2),
        recorded_by=district.hq,
        jpath=scene.together.jpath,
    )
    _c, _w, found = copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)
    assert {c.person_id: c.contact for c in found} == {scene.together.pk: True, scene.crossing.pk: False}


def test_outside_ones_reach_the_case_is_not_there(district, scene):
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    with pytest.raises(NotFound):
        copresence_candidates(actor=street2, case_id=scene.case.pk, purpose=PURPOSE)


def test_the_api_answers_candidates_and_refuses_without_purpose(client, district, scene, api_token):
    token = api_token(district.street1)
    url = f"/api/v1/cases/{scene.case.pk}/copresence"
    r = client.get(url, {"purpose": PURPOSE}, **token)
    assert r.status_code == 200, r.content
    first = r.json()[0]
    assert {"person", "place", "at", "overlap_minutes"} <= set(first) and first["person"] == "同**"
    refused = client.get(url, **token)
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "purpose"
    street2 = make_user("street2", "street_officer", jurisdiction=district.s2)
    assert client.get(url, {"purpose": PURPOSE}, **api_token(street2)).status_code == 404


def test_the_query_does_not_grow_with_the_scans(district, scene, django_assert_max_num_queries):
    """A fixed number of queries whatever the places and the people found: the viewer's roles, the case, its own
    scans and passages, its contacts and reviews, then one OR of ranges per kind of place, and the audit event."""
    with django_assert_max_num_queries(9):
        copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)


def test_the_page_asks_the_purpose_then_lists_the_candidates(district, scene):
    client = district.client(district.street1)
    url = f"/containment/cases/{scene.case.pk}/copresence/"
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert form.status_code == 200 and 'name="purpose"' in form.content.decode()
    assert not AuditEvent.objects.filter(action="trace.copresence").exists()  # the form reads nobody's whereabouts
    page = client.get(url, {"purpose": PURPOSE}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "兴隆农贸市场" in page and "高速道口" in page and "同**" in page
    refused = client.get(url, {"purpose": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400


def test_a_confirmed_candidate_is_a_managed_contact(district, scene):
    contact = copresence_confirm(actor=district.street1, case_id=scene.case.pk, person_id=scene.together.pk)
    assert (contact.kind, contact.exposure) == ("close", "copresence")
    assert contact.test_days == [1, 2, 3, 5, 7]
    assert status_of(scene.together.pk).colour != "green"  # the contact's status follows, with its reason
    assert "兴隆农贸市场" in contact.note
    assert AuditEvent.objects.filter(action="copresence.confirm").count() == 1
    _c, _w, found = copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)
    assert {c.person_id: c.contact for c in found}[scene.together.pk] is True
    with pytest.raises(FieldError) as again:
        copresence_confirm(actor=district.street1, case_id=scene.case.pk, person_id=scene.together.pk)
    assert again.value.code == "duplicate"


def test_a_dismissed_candidate_keeps_the_reason_and_nothing_else_changes(district, scene):
    with pytest.raises(FieldError) as bare:
        copresence_dismiss(actor=district.street1, case_id=scene.case.pk, person_id=scene.crossing.pk, reason="")
    assert bare.value.code == "reason_required" and not CopresenceReview.objects.exists()
    review = copresence_dismiss(
        actor=district.street1, case_id=scene.case.pk, person_id=scene.crossing.pk, reason="同车道不同车辆，未接触"
    )
    assert review.decision == "dismissed" and not CloseContact.objects.exists()
    _c, _w, found = copresence_candidates(actor=district.street1, case_id=scene.case.pk, purpose=PURPOSE)
    assert {c.person_id: c.review.reason if c.review else "" for c in found}[
        scene.crossing.pk
    ] == "同车道不同车辆，未接触"
    assert AuditEvent.objects.get(action="copresence.dismiss").reason == "同车道不同车辆，未接触"


def test_only_a_candidate_is_reviewed(district, scene):
    """Someone who was not with the case (another venue, or too long after) is not confirmed through co-presence."""
    for person in (scene.elsewhere, scene.later):
        with pytest.raises(FieldError) as e:
            copresence_confirm(actor=district.street1, case_id=scene.case.pk, person_id=person.pk)
        assert (e.value.field, e.value.code) == ("person_id", "not_together")
    assert not CloseContact.objects.exists() and not CopresenceReview.objects.exists()


def test_the_page_confirms_and_dismisses_and_says_what_happened(district, scene):
    client = district.client(district.street1)
    url = f"/containment/cases/{scene.case.pk}/copresence/"
    common = {"purpose": PURPOSE, "days_before": 4, "minutes": 30}
    r = client.post(url, {**common, "person_id": scene.together.pk, "decision": "confirm", "kind": "close"})
    assert r.status_code == 302 and "purpose=" in r["Location"]
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密切接触者" in page and "1、2、3、5、7" in page
    client.post(url, {**common, "person_id": scene.crossing.pk, "decision": "dismiss", "reason": ""})
    assert not CopresenceReview.objects.filter(decision="dismissed").exists()
    client.post(
        url, {**common, "person_id": scene.crossing.pk, "decision": "dismiss", "reason": "未同时通过，核实无接触"}
    )
    assert CopresenceReview.objects.filter(person=scene.crossing, decision="dismissed").exists()
