"""Retention of the records that used to wait for the end of the emergency: confirmed cases, close contacts,
transfers, manual status changes and their appeals, hospital inpatients and escorts, violations, supply requests
and volunteers' sign-ups. Each goes once its period has run from the moment its class names, what is still in use
stays, and the daily counts outlive it (issue 14, item 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_person
from fangkong.containment import models as cm
from fangkong.containment.status import status_of
from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.dataprotection.classes import BY_KEY
from fangkong.dataprotection.models import DailyCount
from fangkong.dataprotection.services import purge_run
from fangkong.livelihood.models import SupplyRequest, Volunteer
from fangkong.livelihood.services import supply_request_move
from fangkong.registry.models import Unit
from fangkong.screening.models import Checkpoint, Violation


def purge(**kw) -> dict:
    return {r.key: r.counts for r in purge_run(**kw)}


def counts(data_class: str) -> dict[tuple, int]:
    return {(c.day, c.jpath, c.what): c.count for c in DailyCount.objects.filter(data_class=data_class)}


def ago(days: float):
    return clock.now() - timedelta(days=days)


@pytest.fixture
def site(district):
    unit = Unit.objects.create(
        kind="clinic", name="隔离点", code="ISO1", jurisdiction=district.d, jpath=district.d.path
    )
    return cm.IsolationSite.objects.create(
        name="隔离点", kind="isolation", capacity=10, unit=unit, jpath=district.d.path
    )


def _case(person, *, confirmed: float, released: float | None):
    return cm.Case.objects.create(
        person=person,
        source="testing",
        confirmed_at=ago(confirmed),
        released_at=ago(released) if released is not None else None,
        jpath=person.jpath,
    )


def _contact(case, person, by, *, last: float):
    return cm.CloseContact.objects.create(
        case=case, person=person, last_contact_at=ago(last), recorded_by=by, jpath=person.jpath
    )


def _transfer(person, site, by, *, state: str, dispatched: float, released: float | None = None, **links):
    return cm.Transfer.objects.create(
        person=person, pickup_address="园丁小区", destination=site, vehicle="辽L1", crew="王", dispatched_by=by,
        state=state, dispatched_at=ago(dispatched), released_at=ago(released) if released is not None else None,
        jpath=person.jpath, **links,
    )  # fmt: skip


def test_transfers_contacts_and_cases_go_in_one_run_in_their_order(district, site):
    hq, a = district.hq, district.a
    ill = make_person(a, district.a1, name="病例甲")
    old_case = _case(ill, confirmed=400, released=200)
    contact = _contact(old_case, district.person_b, hq, last=380)
    _transfer(district.person_b, site, hq, state="released", dispatched=379, released=365, contact=contact)
    # Released 200 days ago (cases are kept 180), its contact (60) and transfer (90) long past: all three go.
    done = purge(only=["transfers", "close_contacts", "cases"])
    assert done == {"transfers": {"deleted": 1}, "close_contacts": {"deleted": 1}, "cases": {"deleted": 1}}
    assert not cm.Case.objects.exists() and not cm.CloseContact.objects.exists() and not cm.Transfer.objects.exists()
    assert counts("cases") == {(clock.localdate(ago(400)), ill.jpath, "testing"): 1}
    assert counts("close_contacts") == {(clock.localdate(ago(380)), district.person_b.jpath, "testing"): 1}
    assert counts("transfers") == {(clock.localdate(ago(379)), district.person_b.jpath, "released"): 1}
    assert AuditEvent.objects.filter(action="cases.purge", actor_id=None).count() == 1


def test_what_is_still_in_use_waits(district, site):
    hq, a = district.hq, district.a
    # An open case keeps its contacts, however old the contact; the case itself is red and stays.
    open_case = _case(make_person(a, district.a1, name="在治"), confirmed=100, released=None)
    kept_contact = _contact(open_case, district.person_a, hq, last=90)
    # A released case waits for a contact still within its period, and for a transfer still in isolation.
    waits_for_contact = _case(make_person(a, district.a1, name="待接触"), confirmed=300, released=200)
    _contact(waits_for_contact, district.person_b, hq, last=30)
    waits_for_transfer = _case(make_person(a, district.a1, name="待转运"), confirmed=300, released=200)
    isolated = make_person(a, district.a1, name="隔离中")
    _transfer(isolated, site, hq, state="received", dispatched=250, case=waits_for_transfer)
    # A case released recently stays for its own period.
    recent = _case(make_person(a, district.a1, name="新近"), confirmed=40, released=20)
    # Cancelled transfers count from their dispatch.
    cancelled = _transfer(isolated, site, hq, state="cancelled", dispatched=91)
    done = purge(only=["transfers", "close_contacts", "cases"])
    assert done == {"transfers": {"deleted": 1}, "close_contacts": {"deleted": 0}, "cases": {"deleted": 0}}
    assert not cm.Transfer.objects.filter(pk=cancelled.pk).exists()
    assert set(cm.Case.objects.values_list("pk", flat=True)) == {
        open_case.pk, waits_for_contact.pk, waits_for_transfer.pk, recent.pk,
    }  # fmt: skip
    assert cm.CloseContact.objects.filter(pk=kept_contact.pk).exists()
    assert status_of(open_case.person_id).colour == "red" and status_of(isolated.pk).colour == "red"
    dry = purge(only=["cases"], dry_run=True)
    assert dry == {"cases": {"deleted": 0}}


def test_status_changes_go_with_their_appeals_once_ended(district):
    hq, b = district.hq, district.person_b

    def change(state: str, *, requested: float, expires: float, **moments):
        return cm.StatusChange.objects.create(
            person=b, colour="yellow", basis="依据防控指挥部通告第五号", state=state, requested_by=hq,
            requested_at=ago(requested), expires_at=ago(expires), jpath=b.jpath,
            **{k: ago(v) for k, v in moments.items()},
        )  # fmt: skip

    expired = change("applied", requested=400, expires=380, decided_at=399)
    cm.Appeal.objects.create(change=expired, text="我没有去过", state="dismissed", filed_at=ago(390))
    revoked = change("revoked", requested=400, expires=-10, decided_at=399, revoked_at=370)  # would run on
    refused = change("rejected", requested=400, expires=300, decided_at=399)
    in_force = change("applied", requested=400, expires=-5, decided_at=399)  # a long one, still in force
    pending = change("pending", requested=400, expires=380)
    appealed = change("applied", requested=400, expires=380, decided_at=399)
    cm.Appeal.objects.create(change=appealed, text="请复核", state="open", filed_at=ago(381))
    recent = change("applied", requested=100, expires=90, decided_at=99)
    assert purge(only=["status_changes"]) == {"status_changes": {"deleted": 3}}
    left = set(cm.StatusChange.objects.values_list("pk", flat=True))
    assert left == {in_force.pk, pending.pk, appealed.pk, recent.pk}
    assert not left & {expired.pk, revoked.pk, refused.pk}
    assert list(cm.Appeal.objects.values_list("change_id", flat=True)) == [appealed.pk]
    assert status_of(b.pk).colour == "yellow"  # the change in force still counts
    assert sum(counts("status_changes").values()) == 3


def test_inpatients_go_with_their_escorts_after_discharge(district):
    hospital = Unit.objects.create(
        kind="clinic", name="区人民医院", code="H1", jurisdiction=district.d, jpath=district.d.path
    )
    gone = cm.Inpatient.objects.create(
        unit=hospital, person=district.person_a, ward="呼吸科", admitted_at=ago(60), discharged_at=ago(31),
        recorded_by=district.hq, jpath=hospital.jpath,
    )  # fmt: skip
    cm.Escort.objects.create(inpatient=gone, person=district.person_b)
    staying = cm.Inpatient.objects.create(
        unit=hospital, person=district.person_b, ward="呼吸科", admitted_at=ago(60), recorded_by=district.hq,
        jpath=hospital.jpath,
    )  # fmt: skip
    cm.Escort.objects.create(inpatient=staying, person=district.person_a)
    assert purge(only=["inpatients"]) == {"inpatients": {"deleted": 1}}
    assert list(cm.Inpatient.objects.values_list("pk", flat=True)) == [staying.pk]
    assert list(cm.Escort.objects.values_list("inpatient_id", flat=True)) == [staying.pk]
    assert counts("inpatients") == {(clock.localdate(ago(60)), district.d.path, "区人民医院"): 1}


def test_violations_go_once_handled_and_the_period_past(district, screening):
    b = district.person_b

    def violation(outcome: str, handled: float | None):
        return Violation.objects.create(
            person=b, at=ago(200), checkpoint=screening.cp1, community=district.b, outcome=outcome,
            handled_at=ago(handled) if handled is not None else None, jpath=b.jpath,
        )  # fmt: skip

    violation("warned", 181)
    still_open = violation("open", None)
    recent = violation("excused", 10)
    assert purge(only=["violations"]) == {"violations": {"deleted": 1}}
    assert set(Violation.objects.values_list("pk", flat=True)) == {still_open.pk, recent.pk}
    assert counts("violations") == {(clock.localdate(ago(200)), b.jpath, "warned"): 1}
    assert isinstance(Checkpoint.objects.get(pk=screening.cp1.pk), Checkpoint)  # places stay


def test_supply_requests_go_after_delivery_or_cancellation(district):
    person = district.person_a

    def request(**kw):
        return SupplyRequest.objects.create(person=person, kind="medicine", items="降压药", jpath=person.jpath, **kw)

    delivered, cancelled, waiting = request(), request(), request()
    supply_request_move(actor=district.hq, request_id=delivered.pk, to="delivered")
    supply_request_move(actor=district.hq, request_id=cancelled.pk, to="cancelled", note="已自行购买")
    assert SupplyRequest.objects.get(pk=cancelled.pk).closed_at is not None
    assert purge(only=["supply_requests"]) == {"supply_requests": {"deleted": 0}}  # closed just now
    with clock.advanced(timedelta(days=31)):
        assert purge(only=["supply_requests"]) == {"supply_requests": {"deleted": 2}}
    assert list(SupplyRequest.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert counts("supply_requests") == {(clock.localdate(), person.jpath, "medicine"): 2}


def test_declined_sign_ups_go_volunteers_serving_stay(district):
    a, b = district.person_a, district.person_b
    declined = Volunteer.objects.create(
        person=a, availability="周末", state="declined", applied_at=ago(40), decided_at=ago(31), jpath=a.jpath
    )
    withdrawn = Volunteer.objects.create(
        person=a, availability="周末", state="withdrawn", applied_at=ago(31), jpath=a.jpath
    )
    serving = Volunteer.objects.create(
        person=b, availability="晚上", state="accepted", applied_at=ago(400), decided_at=ago(399), jpath=b.jpath
    )
    assert purge(only=["volunteers"]) == {"volunteers": {"deleted": 2}}
    assert list(Volunteer.objects.values_list("pk", flat=True)) == [serving.pk]
    assert not Volunteer.objects.filter(pk__in=[declined.pk, withdrawn.pk]).exists()


def test_every_class_says_when_its_period_starts_and_what_is_held_back(district):
    page = district.client(district.hq).get("/dataprotection/retention/").content.decode()
    for key in ("cases", "close_contacts", "transfers", "status_changes", "inpatients", "violations",
                "supply_requests", "volunteers"):  # fmt: skip
        cls = BY_KEY[key]
        assert cls.min_days <= cls.default_days <= cls.max_days
        assert f'id="class-{key}"' in page


def test_a_case_a_running_status_change_may_cite_stays(district):
    # A manual change cites its basis as "[case:12]": while it runs (in force here), whoever decides an appeal
    # must still find the case, however long ago it was released.
    ill = make_person(district.a, district.a1, name="旧病例")
    case = _case(ill, confirmed=400, released=200)
    change = cm.StatusChange.objects.create(
        person=ill, colour="yellow", basis=f"复阳观察 [case:{case.pk}]", state="applied", requested_by=district.hq,
        requested_at=ago(2), decided_at=ago(1), expires_at=clock.now() + timedelta(days=5), jpath=ill.jpath,
    )  # fmt: skip
    assert purge(only=["cases"]) == {"cases": {"deleted": 0}}
    cm.StatusChange.objects.filter(pk=change.pk).update(expires_at=ago(1))  # ended: the case may go
    assert purge(only=["cases"]) == {"cases": {"deleted": 1}}


def test_a_closed_loop_case_a_running_status_change_may_cite_stays(district, screening):
    from fangkong.screening.models import FollowUp
    from fangkong.screening.tests.test_passages import arrive

    followup = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk
    ).followup
    FollowUp.objects.filter(pk=followup.pk).update(released_at=ago(40))
    person = followup.person
    cm.StatusChange.objects.create(
        person=person, colour="yellow", basis=f"闭环期满复核 [followup:{followup.pk}]", state="pending",
        requested_by=district.hq, expires_at=clock.now() + timedelta(days=3), jpath=person.jpath,
    )  # fmt: skip
    assert purge(only=["followups"]) == {"followups": {"deleted": 0}}
    cm.StatusChange.objects.filter(person=person).update(state="rejected", decided_at=ago(1))
    assert purge(only=["followups"]) == {"followups": {"deleted": 1}}
