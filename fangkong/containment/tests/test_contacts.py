"""Contacts: managed by the district's protocol to the day (a closed loop in their community, a status with its
reason), released by the rules or early with a reason, handed over, sent to isolation; bad input refused whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_person
from fangkong.containment.cases import case_confirm, contact_add
from fangkong.containment.models import CloseContact, IsolationSite, Transfer
from fangkong.containment.status import status_of
from fangkong.core import clock, desk
from fangkong.core.actors import System
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.registry.models import Person, Unit
from fangkong.screening import followups as screening_followups
from fangkong.screening.models import FollowUp
from fangkong.screening.selectors import followup_get

JSON = "application/json"


@pytest.fixture
def case(district):
    return case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")


def _add(client, token, case_id, body):
    return client.post(f"/api/v1/cases/{case_id}/contacts", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **token)


def _body(person, kind="close", exposure="household", at=None):
    at = at or clock.now() - timedelta(hours=2)
    return {"person_id": person.pk, "kind": kind, "exposure": exposure, "last_exposure_at": at.isoformat()}


def test_a_close_contact_is_managed_to_the_day_and_red_then_yellow(client, district, case, api_token):
    contact = make_person(district.a, district.a2, name="密接甲")
    exposed = clock.now() - timedelta(hours=2)
    r = _add(client, api_token(district.hq), case.pk, _body(contact, at=exposed))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "close" and body["exposure"] == "household" and body["state"] == "managed"
    followup = body["followup"]
    assert followup["test_days"] == [1, 2, 3, 5, 7]
    day1 = clock.localdate(exposed)
    assert followup["test_dates"] == [(day1 + timedelta(days=d - 1)).isoformat() for d in (1, 2, 3, 5, 7)]
    assert followup["release_at"].startswith((exposed + timedelta(days=10)).date().isoformat()[:7])
    loop = FollowUp.objects.get(pk=followup["id"])
    # Owned by the contact's grid in their community, due to be reached within the district's limit.
    assert loop.community_id == district.a.pk and loop.jurisdiction_id == district.a2.pk
    assert loop.contact_due_at > clock.now() and loop.measure_ends_at == exposed + timedelta(days=10)
    status = client.get(
        f"/api/v1/people/{contact.pk}/status", HTTP_ACCEPT_LANGUAGE="en", **api_token(district.hq)
    ).json()
    assert status["colour"] == "red"
    assert [r["kind"] for r in status["reasons"]] == ["contact"]  # the loop in the community is not said twice
    text = status["reasons"][0]["text"]
    assert f"Close contact of case №{case.pk}" in text and "central isolation" in text
    with clock.advanced(timedelta(days=7, hours=1)):
        later = status_of(contact.pk)
        assert later.colour == "yellow"
        assert any("home health monitoring" in r.text for r in later.reasons_shown())
    with clock.advanced(timedelta(days=11)):
        assert any("awaiting release" in r.text for r in status_of(contact.pk).reasons_shown())


def test_a_secondary_contact_is_at_home_with_tests_on_days_1_4_7(client, district, case, api_token):
    contact = make_person(district.a, district.a1, name="次密接")
    r = _add(client, api_token(district.hq), case.pk, _body(contact, kind="secondary", exposure="workplace"))
    assert r.status_code == 201 and r.json()["followup"]["test_days"] == [1, 4, 7]
    status = status_of(contact.pk)
    assert status.colour == "yellow" and "Secondary contact" in status.reasons_shown()[0].text
    assert FollowUp.objects.get(person=contact).measure == "home_isolation"


def test_bad_contacts_are_refused_whole(client, district, case, api_token):
    hq = api_token(district.hq)
    other = make_person(district.a, district.a1, name="邻居")

    def refused(body, code):
        r = _add(client, hq, case.pk, body)
        assert r.status_code == 400 and r.json()["code"] == code, r.content

    refused(_body(district.person_a), "own_case")
    refused(_body(other, at=clock.now() + timedelta(hours=1)), "in_future")
    refused(_body(other, at=clock.now() + timedelta(minutes=1)), "in_future")
    refused({**_body(other), "kind": "distant"}, "unknown_choice")
    refused({**_body(other), "exposure": "telepathy"}, "unknown_choice")
    assert not CloseContact.objects.exists() and not FollowUp.objects.exists()
    assert _add(client, hq, case.pk, _body(other)).status_code == 201
    first = CloseContact.objects.get()
    refused(_body(other, kind="secondary", at=clock.now() - timedelta(hours=1)), "duplicate")
    assert CloseContact.objects.get().kind == first.kind == "close" and FollowUp.objects.count() == 1


def test_an_exposure_after_the_case_was_isolated_is_refused(client, district, case, api_token):
    hq = api_token(district.hq)
    other = make_person(district.a, district.a1, name="邻居")
    # Nothing else known: isolated from the confirmation.
    with clock.advanced(timedelta(hours=3)):
        r = _add(client, hq, case.pk, _body(other, at=clock.now() - timedelta(hours=1)))
        assert r.status_code == 400 and r.json()["code"] == "after_isolation"
    # Picked up for isolation before the confirmation (as a contact): isolated from then.
    site_unit = Unit.objects.create(kind="clinic", name="隔离点", code="ISO9", jurisdiction=district.d, jpath="")
    site = IsolationSite.objects.create(name="隔离点", kind="isolation", capacity=5, unit=site_unit, jpath="")
    Transfer.objects.create(
        person=district.person_a,
        pickup_address="x",
        destination=site,
        vehicle="v",
        crew="c",
        dispatched_by=district.hq,
        picked_up_at=case.confirmed_at - timedelta(hours=5),
        state=Transfer.State.RECEIVED,
        jpath=district.person_a.jpath,
    )
    r = _add(client, hq, case.pk, _body(other, at=case.confirmed_at - timedelta(hours=2)))
    assert r.status_code == 400 and r.json()["code"] == "after_isolation"
    assert _add(client, hq, case.pk, _body(other, at=case.confirmed_at - timedelta(hours=6))).status_code == 201


def _reach_and_test(worker, loop, days) -> None:
    """The community's worker works the loop as an arrival's: reach the person, record the tests negative."""
    screening_followups.followup_contact(actor=worker, followup_id=loop.pk)
    for day in days:
        screening_followups.followup_record_test(actor=worker, followup_id=loop.pk, day=day, result="negative")


def test_release_by_the_rules_needs_the_days_and_negative_tests(client, district, case, api_token):
    hq = api_token(district.hq)
    person = make_person(district.a, district.a1, name="密接乙")
    exposed = clock.now() - timedelta(hours=1)
    contact_id = _add(client, hq, case.pk, _body(person, kind="secondary", at=exposed)).json()["id"]
    url = f"/api/v1/cases/{case.pk}/contacts/{contact_id}/release"
    r = client.post(url, {}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 400 and r.json()["code"] == "unmet"
    loop = FollowUp.objects.get(person=person)
    # The community's worker works the loop as an arrival's: reach them, record the tests.
    screening_followups.followup_contact(actor=district.worker_a, followup_id=loop.pk)
    for day in (1, 4, 7):
        screening_followups.followup_record_test(
            actor=district.worker_a, followup_id=loop.pk, day=day, result="negative"
        )
    with clock.advanced(timedelta(days=7, hours=2)):
        hq = api_token(district.hq)  # a token of a week ago has run out
        r = client.post(url, {"note": "期满解除"}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
        assert r.status_code == 200, r.content
        assert r.json()["state"] == "released" and not r.json()["released_early"]
        assert status_of(person.pk).colour == "green"
    assert FollowUp.objects.get(pk=loop.pk).released_at is not None
    assert AuditEvent.objects.filter(action="contact.release", object_id=str(contact_id)).exists()


def test_the_community_releasing_the_loop_releases_the_contact(district, case):
    person = make_person(district.a, district.a1, name="密接丙")
    contact = contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, kind="secondary",
        last_exposure_at=clock.now() - timedelta(hours=1),
    )  # fmt: skip
    loop = contact.followup
    screening_followups.followup_contact(actor=district.worker_a, followup_id=loop.pk)
    for day in (1, 4, 7):
        screening_followups.followup_record_test(
            actor=district.worker_a, followup_id=loop.pk, day=day, result="negative"
        )
    with clock.advanced(timedelta(days=8)):
        screening_followups.followup_release(actor=district.worker_a, followup_id=loop.pk)
        contact.refresh_from_db()
        assert contact.released_at is not None and contact.released_by == district.worker_a
        assert status_of(person.pk).colour == "green"


def test_an_early_release_needs_a_reason_and_is_audited(client, district, case, api_token):
    hq = api_token(district.hq)
    person = make_person(district.a, district.a1, name="密接丁")
    contact_id = _add(client, hq, case.pk, _body(person)).json()["id"]
    url = f"/api/v1/cases/{case.pk}/contacts/{contact_id}/release"
    r = client.post(url, {"early": True}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    assert status_of(person.pk).colour == "red"
    r = client.post(url, {"early": True, "note": "经复核排除密接"}, content_type=JSON, **hq)
    assert r.status_code == 200 and r.json()["released_early"] is True
    assert status_of(person.pk).colour == "green"
    event = AuditEvent.objects.get(action="contact.release_early", object_id=str(contact_id))
    assert "经复核" in event.reason
    again = client.post(url, {"early": True, "note": "再次"}, content_type=JSON, **hq)
    assert again.status_code == 400 and again.json()["code"] == "wrong_state"
    # A contact that is not this case's is a wrong field, not a page that does not exist.
    r = client.post(f"/api/v1/cases/{case.pk}/contacts/999999/release", {}, content_type=JSON, **hq)
    assert r.status_code == 400 and r.json()["code"] == "not_found"


def test_a_contact_living_outside_the_district_is_handed_over(client, district, case, api_token):
    hq = api_token(district.hq)
    visitor = make_person(district.a, district.a1, name="外地人")
    Person.objects.filter(pk=visitor.pk).update(community=None)
    r = _add(client, hq, case.pk, _body(visitor))
    assert r.status_code == 400 and r.json()["code"] == "hand_over" and not CloseContact.objects.exists()
    neighbour = make_person(district.a, district.a1, name="本地人")
    r = _add(client, hq, case.pk, {**_body(neighbour), "handed_over_to": "沈阳市和平区"})
    assert r.status_code == 400 and r.json()["code"] == "in_district"
    r = _add(client, hq, case.pk, {**_body(visitor), "handed_over_to": "沈阳市和平区疾控中心"})
    assert r.status_code == 201 and r.json()["state"] == "handed_over" and r.json()["followup"] is None
    assert r.json()["handed_over_to"] == "沈阳市和平区疾控中心" and r.json()["handed_over_at"]
    assert not FollowUp.objects.filter(person=visitor).exists() and status_of(visitor.pk).colour == "green"
    # One managed here who leaves: handed over later, the loop here closed.
    contact_id = _add(client, hq, case.pk, _body(neighbour)).json()["id"]
    url = f"/api/v1/cases/{case.pk}/contacts/{contact_id}/hand-over"
    r = client.post(url, {"to": ""}, content_type=JSON, **hq)
    assert r.status_code == 400 and r.json()["code"] == "required"
    r = client.post(url, {"to": "大连市中山区"}, content_type=JSON, **hq)
    assert r.status_code == 200 and r.json()["state"] == "handed_over"
    assert FollowUp.objects.get(person=neighbour).released_at is not None
    assert status_of(neighbour.pk).colour == "green"
    assert AuditEvent.objects.filter(action="contact.hand_over", object_id=str(contact_id)).exists()


def test_the_protocol_is_data_hq_edits(client, district, case, api_token):
    hq = api_token(district.hq)
    rows = {p["kind"]: p for p in client.get("/api/v1/contact-protocol", **hq).json()}
    assert rows["close"]["central_days"] == 7 and rows["close"]["home_days"] == 3
    before = make_person(district.a, district.a1, name="早记")
    _add(client, hq, case.pk, _body(before))
    body = {"central_days": 14, "home_days": 7, "test_days": [1, 4, 7, 14]}
    street = api_token(district.street1)
    assert client.put("/api/v1/contact-protocol/close", body, content_type=JSON, **street).status_code == 403
    bad = client.put("/api/v1/contact-protocol/close", {**body, "test_days": [30]}, content_type=JSON, **hq)
    assert bad.status_code == 400 and bad.json()["code"] == "out_of_range"
    r = client.put("/api/v1/contact-protocol/close", body, content_type=JSON, **hq)
    assert r.status_code == 200 and r.json()["version"] == 2
    after = make_person(district.a, district.a1, name="晚记")
    new = _add(client, hq, case.pk, _body(after)).json()
    assert new["followup"]["test_days"] == [1, 4, 7, 14]
    assert CloseContact.objects.get(person=before).test_days == [1, 2, 3, 5, 7]  # kept as recorded
    assert AuditEvent.objects.filter(action="contact_protocol.update").exists()


def test_a_community_sees_its_own_contacts_only(client, district, case, api_token):
    hq = api_token(district.hq)
    mine = make_person(district.a, district.a1, name="甲密接")
    theirs = make_person(district.b, district.b1, name="乙密接")
    _add(client, hq, case.pk, _body(mine))
    _add(client, hq, case.pk, _body(theirs))
    loop_a, loop_b = FollowUp.objects.get(person=mine), FollowUp.objects.get(person=theirs)
    assert followup_get(user=district.worker_a, followup_id=loop_a.pk).test_days == [1, 2, 3, 5, 7]
    with pytest.raises(NotFound):
        followup_get(user=district.worker_a, followup_id=loop_b.pk)
    assert client.get(f"/api/v1/followups/{loop_b.pk}", **api_token(district.worker_a)).status_code == 404
    todo = next(t for t in desk.todos_for(district.worker_a) if t.kind == "screening.contact")
    assert todo.count == 1
    # The case itself stays with those who work cases (the street and HQ), not the community's workers.
    assert client.get(f"/api/v1/cases/{case.pk}", **api_token(district.street1)).status_code == 200
    assert district.client(district.street1).get(f"/containment/cases/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}", **api_token(district.worker_a)).status_code == 403
    r = client.post(
        f"/api/v1/cases/{case.pk}/contacts",
        _body(make_person(district.b, district.b1, name="乙二")),
        content_type=JSON,
        **api_token(district.worker_b),
    )
    assert r.status_code in (403, 404)


def test_a_transfer_to_isolation_starts_from_the_contact_row(district, case):
    person = make_person(district.a, district.a1, name="转运密接")
    contact = contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=clock.now() - timedelta(hours=1)
    )
    unit = Unit.objects.create(kind="clinic", name="宾馆", code="ISO2", jurisdiction=district.d, jpath="")
    site = IsolationSite.objects.create(name="宾馆隔离点", kind="isolation", capacity=3, unit=unit, jpath="")
    page = district.client(district.street1)
    r = page.post(
        f"/containment/cases/{case.pk}/",
        {
            "action": "transfer",
            "contact": str(contact.pk),
            "destination_id": str(site.pk),
            "pickup_address": "园丁小区1-101",
            "vehicle": "辽L·1",
            "crew": "张医生",
        },
    )
    assert r.status_code == 302
    transfer = Transfer.objects.get(person=person)
    assert transfer.contact_id == contact.pk and transfer.case_id is None
    shown = page.get(f"/containment/cases/{case.pk}/").content.decode()
    assert "Transfer dispatched" in shown and "Close contact" in shown and "day 1" in shown


def test_a_close_contacts_loop_reads_central_isolation_then_home(client, district, case, api_token):
    """The community's worker sees a close contact's loop as the protocol says — 密接, 7 days central isolation then
    3 at home — not as an arrival's risk level with one measure to the end."""
    person = make_person(district.a, district.a1, name="密接戊")
    exposed = clock.now() - timedelta(hours=2)
    contact = contact_add(actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=exposed)
    loop = contact.followup
    assert loop.kind == FollowUp.Kind.CLOSE_CONTACT and loop.group_label == "Close contact"
    assert loop.measure == "home_isolation" and loop.central_until == exposed + timedelta(days=7)
    assert [s["measure"] for s in loop.stages] == ["central_isolation", "home_isolation"]
    assert loop.measure_now == "central_isolation"
    with clock.advanced(timedelta(days=7, hours=1)):
        assert FollowUp.objects.get(pk=loop.pk).measure_now == "home_isolation"
    worker = api_token(district.worker_a)
    body = client.get(f"/api/v1/followups/{loop.pk}", HTTP_ACCEPT_LANGUAGE="en", **worker).json()
    assert body["kind"] == "close_contact" and body["measure"] == "central_isolation"
    assert [s["measure"] for s in body["stages"]] == ["central_isolation", "home_isolation"]
    client.force_login(district.worker_a)
    page = client.get(f"/screening/followups/{loop.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密接" in page and "集中隔离" in page and "居家隔离" in page and "高风险" not in page
    listing = client.get("/screening/followups/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密切接触者 · 集中隔离" in listing


def test_a_contact_of_two_cases_has_one_loop_running_to_the_later_end(district, case):
    """One person, two cases: one loop in the community (not two cards), a close contact's rules winning over a
    secondary's, the later exposure's test days added on the loop's own days; released with both contacts."""
    second = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    person = make_person(district.a, district.a1, name="两案接触")
    first_at = clock.now() - timedelta(days=2)
    first = contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, kind="secondary", last_exposure_at=first_at
    )
    assert first.followup.kind == FollowUp.Kind.SECONDARY_CONTACT and first.followup.test_days == [1, 4, 7]
    later_at = clock.now() - timedelta(hours=1)
    other = contact_add(actor=district.hq, case_id=second.pk, person_id=person.pk, last_exposure_at=later_at)
    assert other.followup_id == first.followup_id
    assert FollowUp.objects.filter(person=person).count() == 1
    loop = FollowUp.objects.get(pk=first.followup_id)
    offset = (clock.localdate(later_at) - clock.localdate(first_at)).days
    assert loop.kind == FollowUp.Kind.CLOSE_CONTACT and loop.level == "high"
    assert loop.test_days == sorted({1, 4, 7, *(d + offset for d in (1, 2, 3, 5, 7))})
    assert loop.measure_ends_at == later_at + timedelta(days=10)
    assert loop.central_until == later_at + timedelta(days=7)
    assert AuditEvent.objects.filter(action="followup.extend", object_id=str(loop.pk)).exists()
    # Releasing the first contact early leaves the loop open for the second.
    from fangkong.containment.cases import contact_release

    contact_release(actor=district.hq, contact_id=first.pk, early=True, note="复核后排除")
    loop = FollowUp.objects.get(pk=loop.pk)
    assert loop.released_at is None and status_of(person.pk).colour == "red"
    # The loop is the second contact's alone now: its days, not the released one's.
    assert loop.test_days == [d + offset for d in (1, 2, 3, 5, 7)]
    assert AuditEvent.objects.filter(action="followup.narrow", object_id=str(loop.pk)).exists()
    assert [r["kind"] for r in status_of(person.pk).reasons] == ["contact"]  # the loop not said twice
    # The community's release by the rules ends both.
    screening_followups.followup_contact(actor=district.worker_a, followup_id=loop.pk)
    for day in loop.test_days:
        screening_followups.followup_record_test(
            actor=district.worker_a, followup_id=loop.pk, day=day, result="negative"
        )
    with clock.advanced(timedelta(days=11)):
        screening_followups.followup_release(actor=district.worker_a, followup_id=loop.pk)
        other.refresh_from_db()
        assert other.released_at is not None and status_of(person.pk).colour == "green"


def test_a_contact_whose_own_days_are_over_is_released_while_the_shared_loop_runs_on(district, case):
    second = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    person = make_person(district.a, district.a1, name="先满期")
    first = contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, kind="secondary",
        last_exposure_at=clock.now() - timedelta(days=8),
    )  # fmt: skip
    contact_add(
        actor=district.hq, case_id=second.pk, person_id=person.pk, kind="secondary",
        last_exposure_at=clock.now() - timedelta(hours=1),
    )  # fmt: skip
    from fangkong.containment.cases import contact_release

    # Its own days are over, but nobody reached the person and no test of its days is negative yet.
    with pytest.raises(FieldError) as unmet:
        contact_release(actor=district.hq, contact_id=first.pk, note="期满")
    assert unmet.value.code == "unmet"
    loop = FollowUp.objects.get(pk=first.followup_id)
    screening_followups.followup_contact(actor=district.worker_a, followup_id=loop.pk)
    for day in (1, 4, 7):
        screening_followups.followup_record_test(
            actor=district.worker_a, followup_id=loop.pk, day=day, result="negative"
        )
    released = contact_release(actor=district.hq, contact_id=first.pk, note="期满")
    assert released.released_at is not None and not released.released_early
    loop = FollowUp.objects.get(pk=first.followup_id)
    assert loop.released_at is None and status_of(person.pk).colour == "yellow"
    # The loop runs on for the second contact: its days, and the days already tested kept.
    offset = (clock.localdate(clock.now() - timedelta(hours=1)) - clock.localdate(loop.opened_at)).days
    assert loop.test_days == sorted({1, 4, 7, *(d + offset for d in (1, 4, 7))})


def test_the_case_api_masks_names_as_the_case_pages_do(client, district, case, api_token):
    contact = make_person(district.a, district.a1, name="欧阳明")
    _add(client, api_token(district.hq), case.pk, _body(contact))
    body = client.get(f"/api/v1/cases/{case.pk}", **api_token(district.hq)).json()
    assert body["person"]["name"] == "李*" and body["person"]["document_number"].count("*") >= 8
    assert [c["person"]["name"] for c in body["contacts"]] == ["欧**"]
    listed = client.get("/api/v1/cases", **api_token(district.hq)).json()["items"]
    assert "李四" not in str(listed) and "欧阳明" not in str(body)


def test_the_migration_marks_loops_opened_for_contacts_before_they_said_so(district, case):
    """containment 0016: loops opened for contacts before FollowUp had a kind read as arrivals' with one measure."""
    import importlib

    from django.apps import apps

    person = make_person(district.a, district.a1, name="旧密接")
    exposed = clock.now() - timedelta(hours=3)
    contact = contact_add(actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=exposed)
    FollowUp.objects.filter(pk=contact.followup_id).update(
        kind="arrival", measure="central_isolation", central_until=None
    )
    migration = importlib.import_module("fangkong.containment.migrations.0016_contacts_share_one_loop")
    migration.loops_of_contacts(apps, None)
    loop = FollowUp.objects.get(pk=contact.followup_id)
    assert (loop.kind, loop.measure) == ("close_contact", "home_isolation")
    assert loop.central_until == exposed + timedelta(days=7)


def test_a_loop_of_central_isolation_to_the_end_keeps_it_when_a_home_contact_joins(district, case):
    """A district whose close contacts stay in central isolation throughout (no days at home): a secondary contact
    joining later adds days at home after, never turns the central days into home ones."""
    from fangkong.containment.cases import contact_protocol_update

    contact_protocol_update(actor=district.hq, kind="close", central_days=7, home_days=0, test_days=[1, 3, 7])
    second = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    person = make_person(district.a, district.a1, name="全程集中")
    close_at = clock.now() - timedelta(days=1)
    first = contact_add(actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=close_at)
    loop = first.followup
    assert (loop.measure, loop.central_until) == ("central_isolation", None)
    assert loop.measure_ends_at == close_at + timedelta(days=7)
    home_at = clock.now() - timedelta(hours=1)
    contact_add(actor=district.hq, case_id=second.pk, person_id=person.pk, kind="secondary", last_exposure_at=home_at)
    loop = FollowUp.objects.get(pk=loop.pk)
    assert loop.central_until == close_at + timedelta(days=7)  # central to the close contact's end
    assert loop.measure == "home_isolation" and loop.measure_ends_at == home_at + timedelta(days=7)
    assert loop.measure_now == "central_isolation" and loop.kind == FollowUp.Kind.CLOSE_CONTACT


def test_a_person_who_moved_gets_a_loop_in_their_new_community(district, case):
    second = case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    person = make_person(district.a, district.a1, name="搬家者")
    first = contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=clock.now() - timedelta(days=1)
    )
    Person.objects.filter(pk=person.pk).update(community=district.b, jurisdiction=district.b1, jpath=district.b1.path)
    other = contact_add(
        actor=district.hq, case_id=second.pk, person_id=person.pk, last_exposure_at=clock.now() - timedelta(hours=1)
    )
    assert other.followup_id != first.followup_id
    assert other.followup.community_id == district.b.pk and first.followup.community_id == district.a.pk


def test_the_daily_report_counts_a_close_contact_in_central_isolation_not_as_an_arrival(district, case):
    from fangkong.command.situation.entry import _arrivals, _closed_loop

    person = make_person(district.a, district.a1, name="报表密接")
    contact_add(
        actor=district.hq, case_id=case.pk, person_id=person.pk, last_exposure_at=clock.now() - timedelta(hours=1)
    )
    today = clock.localdate()
    loop = _closed_loop(today)
    assert loop.facts["open"] == 1 and [row[0] for row in loop.tables["measures"]] == ["central_isolation"]
    assert _arrivals(today).facts["central_isolation"] == 0  # a contact is no arrival from a risk area
