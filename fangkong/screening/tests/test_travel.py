from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from django.db import connection

from fangkong.conftest import make_person, make_user
from fangkong.core import clock, pii
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.screening.models import TravelReport, Violation
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.selectors import travel_reports_visible, violations_visible
from fangkong.screening.tests.conftest import tag
from fangkong.screening.travel import (
    person_for_report,
    travel_report_acknowledge,
    travel_report_cancel,
    travel_report_decide,
    travel_report_file,
    violation_explain,
    violation_handle,
)


def file(actor, person, **kw):
    today = clock.localdate()
    base = {
        "destination": "北京市",
        "depart_on": today + timedelta(days=1),
        "return_on": today + timedelta(days=4),
        "reason": "探亲",
        "transport": "高铁",
    }
    return travel_report_file(actor=actor, person=person, **{**base, **kw})


def test_community_files_and_both_sides_acknowledge(district, screening):
    worker = make_person(district.a, name="职工")
    worker.unit = screening.employer
    worker.save()
    report = file(district.worker_a, worker)
    assert report.approval == "not_required" and report.unit == screening.employer
    travel_report_acknowledge(actor=district.worker_a, report_id=report.pk)
    travel_report_acknowledge(actor=screening.hr, report_id=report.pk)
    report.refresh_from_db()
    assert report.community_ack_by == district.worker_a and report.employer_ack_by == screening.hr


def test_hr_files_for_staff_by_document_number_only(district, screening):
    worker = make_person(district.a, name="职工")
    worker.unit = screening.employer
    worker.save()
    number = pii.decrypt(worker.doc_cipher)
    assert person_for_report(actor=screening.hr, document_number=number) == worker
    with pytest.raises(NotFound):  # not their staff
        person_for_report(actor=screening.hr, document_number=pii.decrypt(district.person_a.doc_cipher))
    with pytest.raises(NotFound):
        person_for_report(actor=district.worker_b, person_id=worker.pk)
    report = file(screening.hr, worker)
    assert list(travel_reports_visible(user=screening.hr)) == [report]
    assert list(travel_reports_visible(user=district.worker_b)) == []


def test_officials_need_their_units_approval(district, screening):
    official = make_person(district.a, name="干部")
    official.unit = screening.dept
    official.save()
    tag(official)
    report = file(district.worker_a, official)
    assert report.approval == "pending"
    with pytest.raises(Forbidden):
        travel_report_decide(actor=district.hq, report_id=report.pk, approve=True)  # HQ is not their unit
    with pytest.raises(FieldError) as exc:
        travel_report_decide(actor=screening.leader, report_id=report.pk, approve=False)
    assert exc.value.field == "note"
    travel_report_decide(actor=screening.leader, report_id=report.pk, approve=False, note="防控期间暂缓")
    report.refresh_from_db()
    assert report.approval == "rejected" and not report.covers_leaving
    # Leaving anyway on a rejected report is a violation.
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=pii.decrypt(official.doc_cipher), name="出行人"),
    )
    assert r.violation is not None  # the dates would cover today's exit (leaving a day early); the rejection does not


def test_report_dates_are_checked(district):
    today = clock.localdate()
    cases = [
        ({"depart_on": today - timedelta(days=1)}, "depart_on", "out_of_range"),
        ({"return_on": today}, "return_on", "end_before_start"),
        ({"return_on": today + timedelta(days=100)}, "return_on", "out_of_range"),
        ({"destination": " "}, "destination", "required"),
        ({"reason": ""}, "reason", "required"),
        ({"transport": ""}, "transport", "required"),
    ]
    for overrides, field, code in cases:
        with pytest.raises(FieldError) as exc:
            file(district.worker_a, district.person_a, **overrides)
        assert (exc.value.field, exc.value.code) == (field, code)


def test_cancelled_report_no_longer_covers(district, screening):
    report = file(district.worker_a, district.person_a, depart_on=clock.localdate())
    travel_report_cancel(actor=district.worker_a, report_id=report.pk)
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=pii.decrypt(district.person_a.doc_cipher), name="出行人"),
    )
    assert r.violation is not None


def test_violation_explained_then_handled_and_scoped(district, screening):
    worker = district.person_a
    worker.unit = screening.employer
    worker.save()
    r = passage_register(
        actor=screening.staff1,
        checkpoint_id=screening.cp1.pk,
        data=PassageInput(direction="out", document_number=pii.decrypt(worker.doc_cipher), name="出行人"),
    )
    v = r.violation
    assert v.unit == screening.employer
    assert list(violations_visible(user=screening.hr)) == [v]  # the employer sees its staff's
    assert list(violations_visible(user=district.worker_b)) == []
    with pytest.raises(FieldError) as exc:
        violation_handle(actor=district.worker_a, violation_id=v.pk, outcome="warned")
    assert (exc.value.field, exc.value.code) == ("explanation", "required")
    with pytest.raises(FieldError) as exc:
        violation_handle(actor=district.worker_a, violation_id=v.pk, outcome="forgiven")
    assert (exc.value.field, exc.value.code) == ("outcome", "unknown_choice")
    violation_explain(actor=district.worker_a, violation_id=v.pk, explanation="急诊陪护，未及报备")
    violation_handle(actor=district.worker_a, violation_id=v.pk, outcome="excused")
    assert Violation.objects.get().outcome == "excused"
    # Handled once: not handled again, with another outcome or the same, by anyone.
    for actor, outcome in ((district.worker_a, "referred"), (screening.hr, "warned"), (district.worker_a, "excused")):
        with pytest.raises(FieldError) as exc:
            violation_handle(actor=actor, violation_id=v.pk, outcome=outcome)
        assert (exc.value.field, exc.value.code) == ("outcome", "not_pending")
    v.refresh_from_db()
    assert (v.outcome, v.handled_by) == ("excused", district.worker_a)
    assert AuditEvent.objects.filter(action="violation.handle", object_id=str(v.pk)).count() == 1
    with pytest.raises(NotFound):
        violation_explain(actor=district.worker_b, violation_id=v.pk, explanation="x")


def _pending_official_trip(district, screening):
    official = make_person(district.a, name="干部")
    official.unit = screening.dept
    official.save()
    tag(official)
    report = file(district.worker_a, official)
    assert report.approval == "pending"
    return report


def test_a_decided_trip_is_not_decided_again(district, screening):
    report = _pending_official_trip(district, screening)
    travel_report_decide(actor=screening.leader, report_id=report.pk, approve=True)
    for approve, note in ((False, "防控期间暂缓"), (True, "")):
        with pytest.raises(FieldError) as exc:
            travel_report_decide(actor=screening.leader, report_id=report.pk, approve=approve, note=note)
        assert (exc.value.field, exc.value.code) == ("approval", "not_pending")
    report.refresh_from_db()
    assert report.approval == "approved" and report.decided_by == screening.leader
    assert AuditEvent.objects.filter(action="travel_report.decide", object_id=str(report.pk)).count() == 1


def test_a_withdrawn_trip_is_not_decided(district, screening):
    report = _pending_official_trip(district, screening)
    travel_report_cancel(actor=district.worker_a, report_id=report.pk)
    for approve, note in ((True, ""), (False, "防控期间暂缓")):
        with pytest.raises(FieldError) as exc:
            travel_report_decide(actor=screening.leader, report_id=report.pk, approve=approve, note=note)
        assert (exc.value.field, exc.value.code) == ("approval", "not_pending")
    report.refresh_from_db()
    assert (report.approval, report.decided_by) == ("pending", None)
    assert not AuditEvent.objects.filter(action="travel_report.decide").exists()


def test_a_leader_who_filed_a_trip_does_not_approve_it(district, screening):
    from fangkong.core.approvals import OwnRequest

    official = make_person(district.a, name="干部")
    official.unit = screening.dept
    official.save()
    tag(official)
    report = file(screening.leader, official)  # a unit leader may file for the unit's staff, too
    with pytest.raises(OwnRequest) as exc:
        travel_report_decide(actor=screening.leader, report_id=report.pk, approve=True)
    assert exc.value.code == "own_request"
    second_leader = make_user("leader2", "unit_leader", unit=screening.dept)
    travel_report_decide(actor=second_leader, report_id=report.pk, approve=True)
    report.refresh_from_db()
    assert (report.approval, report.decided_by) == ("approved", second_leader)


def test_who_may_withdraw_a_trip(district, screening):
    """Whoever filed it, or the traveller's community (its street, HQ); not the employer's HR or the deciding
    leader, who see it too, unless they filed it."""
    official = make_person(district.a, name="干部")
    official.unit = screening.dept
    official.save()
    tag(official)
    filed_by_community = file(district.worker_a, official)
    staff = make_person(district.a, name="职工")
    staff.unit = screening.employer
    staff.save()
    filed_by_hr = file(screening.hr, staff)
    assert filed_by_community in travel_reports_visible(user=screening.leader)
    with pytest.raises(Forbidden):
        travel_report_cancel(actor=screening.leader, report_id=filed_by_community.pk)
    with pytest.raises(NotFound):  # another community's worker does not even see it
        travel_report_cancel(actor=district.worker_b, report_id=filed_by_community.pk)
    other_hr = make_user("hr2", "employer_hr", unit=screening.employer)
    with pytest.raises(Forbidden):
        travel_report_cancel(actor=other_hr, report_id=filed_by_hr.pk)
    assert not TravelReport.objects.filter(cancelled_at__isnull=False).exists()
    travel_report_cancel(actor=screening.hr, report_id=filed_by_hr.pk)  # the filer
    travel_report_cancel(actor=district.hq, report_id=filed_by_community.pk)  # the traveller's district
    assert TravelReport.objects.filter(cancelled_at__isnull=False).count() == 2
    # A trip the traveller reported on the portal: their community withdraws it.
    from fangkong.screening.travel import travel_report_self

    today = clock.localdate()
    own = travel_report_self(
        person_ids=[district.person_a.pk],
        person_id=district.person_a.pk,
        destination="北京市",
        depart_on=today + timedelta(days=1),
        return_on=today + timedelta(days=2),
        reason="探亲",
        transport="高铁",
    )
    assert travel_report_cancel(actor=district.worker_a, report_id=own.pk).cancelled_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leaders_deciding_the_same_trip_at_once_one_wins(district, screening, monkeypatch):
    """One leader approves while another rejects the same pending trip: the second waits on the row lock, then
    finds the trip decided. Without the lock both read "pending", both save (the last write wins) and the trail
    holds two contradictory decisions."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: SQLite serialises whole transactions")
    report = _pending_official_trip(district, screening)
    second_leader = make_user("leader2", "unit_leader", unit=screening.dept)

    # Hold each decision between its read and its write until the other has read too. A decision that locks
    # the row keeps the other waiting at its read, so this wait runs out and the first one goes on alone.
    both_read = threading.Barrier(2, timeout=2)
    save = TravelReport.save

    def save_when_both_read(self, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(TravelReport, "save", save_when_both_read)
    start = threading.Barrier(2, timeout=10)
    decided: dict = {}
    refused: dict = {}
    crashed: list = []

    def decide(actor, approve: bool) -> None:
        try:
            start.wait()
            travel_report_decide(actor=actor, report_id=report.pk, approve=approve, note="" if approve else "暂缓出行")
            decided[actor.pk] = "approved" if approve else "rejected"
        except FieldError as exc:
            refused[actor.pk] = exc
        except Exception as exc:  # reported below, not lost in the thread
            crashed.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(screening.leader, True)),
        threading.Thread(target=decide, args=(second_leader, False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not crashed and not any(t.is_alive() for t in threads)
    assert len(decided) == 1 and len(refused) == 1, (decided, refused)
    [(winner_id, outcome)] = decided.items()
    [error] = refused.values()
    assert (error.field, error.code) == ("approval", "not_pending")
    report.refresh_from_db()
    assert (report.approval, report.decided_by_id) == (outcome, winner_id)
    events = list(AuditEvent.objects.filter(action="travel_report.decide", object_id=str(report.pk)))
    assert [(e.actor_id, e.fields["approval"]) for e in events] == [(winner_id, {"from": "pending", "to": outcome})]
