"""The outbox's phone clock (core/outbox.py): how far a sending phone's clock is off, from the time it says it
sent a kept scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory

from fangkong.core import clock
from fangkong.core.outbox import phone_offset, phone_time


def _sent(at) -> object:
    return RequestFactory().post("/", HTTP_X_FANGKONG_SENT_AT=at if isinstance(at, str) else at.isoformat())


@pytest.mark.parametrize(
    ("off", "corrected"),
    [
        (timedelta(hours=-1), timedelta(hours=1)),  # the phone an hour slow: its times an hour later
        (timedelta(minutes=20), timedelta(minutes=-20)),  # twenty minutes fast
        (timedelta(seconds=10), timedelta(0)),  # transit, not a clock
        (timedelta(days=-3), timedelta(0)),  # not a clock: kept as it is, and checked as it is
    ],
)
@pytest.mark.django_db  # the oldest time taken is the stored replies' period, read from the database
def test_a_phones_clock_is_corrected_by_how_far_it_is_off(off, corrected):
    offset = phone_offset(_sent(clock.now() + off))
    assert abs(offset - corrected) < timedelta(seconds=2)
    taken = clock.now() - timedelta(minutes=5)
    assert abs(phone_time(_sent(clock.now() + off), taken) - (taken + corrected)) < timedelta(seconds=2)


@pytest.mark.parametrize("said", ["", "yesterday", "2026-12-01T08:00:00"])  # none, not a time, no offset
def test_no_correction_without_a_phone_time_to_go_by(said):
    assert phone_offset(RequestFactory().post("/", HTTP_X_FANGKONG_SENT_AT=said)) == timedelta(0)
    assert phone_time(_sent(clock.now()), None) is None


@pytest.mark.parametrize("said", ["2026-02-30T08:00:00Z", "2026-12-01T25:00:00Z", "2026-12-01T08:00:00+99:00"])
def test_a_time_that_is_no_time_is_not_a_fault(said):
    assert phone_offset(RequestFactory().post("/", HTTP_X_FANGKONG_SENT_AT=said)) == timedelta(0)


@pytest.mark.django_db
def test_a_scan_kept_longer_than_the_districts_reply_period_is_refused():
    """The limit is the data-protection period of stored replies (the district may lengthen it), less an hour."""
    from fangkong.core.errors import FieldError
    from fangkong.dataprotection.models import RetentionPeriod

    now = clock.now()
    with pytest.raises(FieldError) as refused:
        phone_time(_sent(now), now - timedelta(days=2) + timedelta(minutes=59), "occurred_at")
    assert refused.value.code == "too_old" and refused.value.field == "occurred_at"
    assert phone_time(_sent(now), now - timedelta(hours=46)) is not None
    RetentionPeriod.objects.update_or_create(data_class="api_replies", defaults={"days": 5})
    assert phone_time(_sent(now), now - timedelta(days=4)) is not None
