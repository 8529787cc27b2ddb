from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.scoping import NotFound
from fangkong.screening.followups import (
    followup_confirm_location,
    followup_contact,
    followup_record_test,
    followup_release,
)
from fangkong.screening.models import FollowUp
from fangkong.screening.selectors import followups_missed, followups_visible, reconciliation
from fangkong.screening.tests.test_passages import arrive


@pytest.fixture
def case(district, screening) -> FollowUp:
    return arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup


def test_states_follow_the_clock(district, case):
    assert case.state == "open"
    with clock.advanced(timedelta(hours=2, seconds=1)):
        assert FollowUp.objects.get(pk=case.pk).state == "missed"
        assert [f.pk for f in followups_visible(user=district.worker_a, state="missed")] == [case.pk]
        assert [f.pk for f in followups_missed(user=district.street1)] == [case.pk]
        assert list(followups_missed(user=district.worker_a)) == []  # alerts go to the street and HQ
        assert list(followups_missed(user=district.worker_b)) == []


def test_contact_in_time_then_late_contact_is_still_recorded(district, case, screening):
    followup_contact(actor=district.worker_a, followup_id=case.pk)
    case.refresh_from_db()
    assert case.state == "contacted" and case.contacted_in_time
    late = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup
    with clock.advanced(timedelta(hours=3)):
        followup_contact(actor=district.worker_a, followup_id=late.pk)
    late.refresh_from_db()
    assert late.state == "contacted" and not late.contacted_in_time


def test_release_needs_contact_the_full_period_and_negative_tests(district, case):
    with pytest.raises(FieldError, match="not been contacted") as exc:
        followup_release(actor=district.worker_a, followup_id=case.pk)
    assert (exc.value.field, exc.value.code) == ("state", "unmet")
    followup_confirm_location(actor=district.worker_a, followup_id=case.pk, where="园丁小区1号楼")
    followup_record_test(actor=district.worker_a, followup_id=case.pk, day=1, result="negative")
    followup_record_test(actor=district.worker_a, followup_id=case.pk, day=4, result="negative")
    with clock.advanced(timedelta(days=7)):
        with pytest.raises(FieldError, match="day 7") as exc:
            followup_release(actor=district.worker_a, followup_id=case.pk)
        assert (exc.value.field, exc.value.code) == ("state", "unmet")
        followup_record_test(actor=district.worker_a, followup_id=case.pk, day=7, result="negative")
    with pytest.raises(FieldError, match="measure runs until") as exc:
        followup_release(actor=district.worker_a, followup_id=case.pk)
    assert (exc.value.field, exc.value.code) == ("state", "unmet")
    with clock.advanced(timedelta(days=7, minutes=1)):
        released = followup_release(actor=district.worker_a, followup_id=case.pk, note="期满")
    assert released.state == "released"
    with pytest.raises(FieldError, match="already released") as exc:
        followup_contact(actor=district.worker_a, followup_id=case.pk)
    assert (exc.value.field, exc.value.code) == ("state", "wrong_state")


def test_test_days_and_results_are_checked(district, case):
    with pytest.raises(FieldError) as exc:
        followup_record_test(actor=district.worker_a, followup_id=case.pk, day=2, result="negative")
    assert (exc.value.field, exc.value.code) == ("day", "unknown_choice")
    with pytest.raises(FieldError) as exc:
        followup_record_test(actor=district.worker_a, followup_id=case.pk, day=1, result="unclear")
    assert (exc.value.field, exc.value.code) == ("result", "unknown_choice")
    followup_record_test(actor=district.worker_a, followup_id=case.pk, day=1, result="pending")
    followup_record_test(actor=district.worker_a, followup_id=case.pk, day=1, result="negative")  # corrected
    assert case.tests.get().result == "negative"


def test_outsiders_cannot_touch_the_case(district, case, screening):
    for user in (district.worker_b, screening.staff1, screening.hr):
        with pytest.raises(NotFound):
            followup_contact(actor=user, followup_id=case.pk)
    followup_contact(actor=district.street1, followup_id=case.pk)  # the street may act


def test_reconciliation_counts_per_community(district, screening, case):
    arrive(screening.staff1, screening.cp1, origin="辽宁省盘锦市", destination_community=district.a.pk)  # no case
    late = arrive(screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk).followup
    arrive(screening.staff1, screening.cp1, origin="上海市浦东新区", destination_community=district.b.pk)
    followup_contact(actor=district.worker_a, followup_id=case.pk)
    since, until = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    with clock.advanced(timedelta(hours=3)):
        rows = {r["community"].name: r for r in reconciliation(user=district.hq, since=since, until=until)}
        a = rows["园丁社区"]
        assert (a["arrivals"], a["owned"], a["contacted_in_time"], a["overdue"], a["released"]) == (3, 2, 1, 1, 0)
        assert rows["胜利社区"]["overdue"] == 1
        followup_contact(actor=district.worker_a, followup_id=late.pk)
        a = {r["community"].name: r for r in reconciliation(user=district.hq, since=since, until=until)}["园丁社区"]
        assert (a["overdue"], a["contacted_late"]) == (0, 1)
    street = reconciliation(user=district.street1, since=since, until=until)
    assert [r["community"].name for r in street] == ["园丁社区"]
    with pytest.raises(NotFound):
        reconciliation(user=district.worker_a, since=since, until=until)
