"""Volunteers at work (issue 20, point 5): shifts assigned by the community with no double booking, checked in and
out on the volunteer's phone (or by an officer for them), the hours ledger and the certificate, the volunteer's own
shifts at /me/, and the sign-up's shifts going with it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.livelihood import volunteering
from fangkong.livelihood.models import Shift, Volunteer
from fangkong.livelihood.retention import volunteers_purge
from fangkong.livelihood.services import volunteer_decide, volunteer_sign_up, volunteer_withdraw

JSON = "application/json"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 7, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def volunteer(district):
    v = volunteer_sign_up(
        person_ids=[district.person_a.pk], person_id=district.person_a.pk, skills=["delivery"], availability="周末"
    )
    return volunteer_decide(actor=district.worker_a, volunteer_id=v.pk, accept=True)


def _at(hour: int, minute: int = 0, day: int = 3) -> str:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ).isoformat()


def _assign(client, token, volunteer_id, start, end, task="delivery", key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/volunteers/{volunteer_id}/shifts",
        {"starts_at": start, "ends_at": end, "task": task, "place": "3号楼"},
        content_type=JSON,
        **token,
        **headers,
    )


def test_a_shift_is_assigned_and_an_overlapping_one_refused(client, district, volunteer, api_token):
    token = api_token(district.worker_a)
    r = _assign(client, token, volunteer.pk, _at(8), _at(12))
    assert r.status_code == 201, r.content
    assert r.json()["stage"] == "planned" and r.json()["task"] == "delivery" and r.json()["place"] == "3号楼"
    clash = _assign(client, token, volunteer.pk, _at(11), _at(14), task="patrol")
    assert clash.status_code == 400 and clash.json()["code"] == "overlap"
    assert clash.json()["errors"][0]["field"] == "starts_at" and "08:00" in clash.json()["detail"]
    inside = _assign(client, token, volunteer.pk, _at(9), _at(10))
    assert inside.status_code == 400 and inside.json()["code"] == "overlap"
    assert Shift.objects.count() == 1  # nothing written by the refusals
    after = _assign(client, token, volunteer.pk, _at(12), _at(16), task="checkpoint")  # end to end: no overlap
    assert after.status_code == 201
    listed = client.get(f"/api/v1/volunteers/{volunteer.pk}/shifts", **token).json()
    assert [s["task"] for s in listed["items"]] == ["checkpoint", "delivery"] and listed["hours"] == 0
    assert AuditEvent.objects.filter(action="livelihood.shift_assign").count() == 2


def test_a_cancelled_shift_frees_its_time_and_needs_a_reason(district, volunteer):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=2),
        task="patrol",
    )  # fmt: skip
    with pytest.raises(FieldError) as no_reason:
        volunteering.shift_cancel(actor=district.worker_a, shift_id=shift.pk, note=" ")
    assert no_reason.value.code == "note_required"
    volunteering.shift_cancel(actor=district.worker_a, shift_id=shift.pk, note="雨天改期")
    again = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=2),
        task="patrol",
    )  # fmt: skip
    assert again.pk != shift.pk


def test_a_retried_assignment_is_answered_not_repeated(client, district, volunteer, api_token):
    token = api_token(district.worker_a)
    first = _assign(client, token, volunteer.pk, _at(8), _at(12), key="shift-1")
    retry = _assign(client, token, volunteer.pk, _at(8), _at(12), key="shift-1")
    assert first.status_code == 201 and retry.json()["id"] == first.json()["id"]
    assert Shift.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "task", "field", "code"),
    [
        (_at(12), _at(8), "delivery", "ends_at", "end_before_start"),
        (_at(8), _at(21), "delivery", "ends_at", "out_of_range"),  # 13 hours
        (_at(8, day=1), _at(9, day=1), "delivery", None, None),  # two days ago: still recorded
        (_at(8).replace("12-03", "11-20"), _at(9).replace("12-03", "11-20"), "delivery", "starts_at", "out_of_range"),
        (_at(8), _at(9), "cooking", "task", "unknown_choice"),
    ],
)
def test_bad_shifts_are_refused_naming_the_field(client, district, volunteer, api_token, start, end, task, field, code):
    r = _assign(client, api_token(district.worker_a), volunteer.pk, start, end, task=task)
    if code is None:
        assert r.status_code == 201
        return
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == field
    assert not Shift.objects.exists()


def test_only_an_accepted_volunteer_gets_shifts(client, district, api_token):
    v = volunteer_sign_up(
        person_ids=[district.person_a.pk], person_id=district.person_a.pk, skills=["delivery"], availability="周末"
    )
    r = _assign(client, api_token(district.worker_a), v.pk, _at(8), _at(9))
    assert r.status_code == 400 and r.json()["code"] == "wrong_state"


def test_outsiders_get_404(client, district, volunteer, api_token):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=1),
        task="patrol",
    )  # fmt: skip
    token = api_token(district.worker_b)
    assert _assign(client, token, volunteer.pk, _at(8), _at(9)).status_code == 404
    assert client.get(f"/api/v1/volunteers/{volunteer.pk}/shifts", **token).status_code == 404
    assert client.post(f"/api/v1/shifts/{shift.pk}/check-in", **token).status_code == 404
    assert district.client(district.worker_b).get(f"/livelihood/volunteers/{volunteer.pk}/").status_code == 404
    cert = district.client(district.worker_b).get(f"/livelihood/volunteers/{volunteer.pk}/certificate/")
    assert cert.status_code == 404


def test_the_volunteer_checks_in_and_out_on_the_phone_and_the_hours_add_up(district, volunteer, resident):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW + timedelta(hours=1),
        ends_at=NOW + timedelta(hours=4), task="sampling", place="文化广场采样点",
    )  # fmt: skip
    page = resident.get("/me/volunteer/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "文化广场采样点" in page and "协助采样" in page and "签到" not in page  # an hour early: not yet
    early = resident.post("/me/volunteer/", {"action": "check_in", "shift": shift.pk}, follow=True)
    assert "half an hour" in early.content.decode()
    with clock.frozen_at(NOW + timedelta(minutes=40)):
        r = resident.post("/me/volunteer/", {"action": "check_in", "shift": shift.pk}, follow=True)
        assert "Checked in" in r.content.decode()
    shift.refresh_from_db()
    assert shift.checked_in_at == NOW + timedelta(minutes=40) and shift.checked_in_by is None
    with clock.frozen_at(NOW + timedelta(hours=3, minutes=10)):
        r = resident.post("/me/volunteer/", {"action": "check_out", "shift": shift.pk}, follow=True)
        assert "150 minutes" in r.content.decode()
    ledger = volunteering.ledger_of(volunteer)
    assert (ledger.hours, ledger.shifts) == (2.5, 1)
    assert "Certificate of volunteer service" in resident.get("/me/volunteer/").content.decode()
    event = AuditEvent.objects.get(action="livelihood.shift_check_out")
    assert event.actor_id is None  # the resident, not an officer


def test_another_phone_cannot_check_in_for_the_volunteer(district, volunteer):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=1),
        task="patrol",
    )  # fmt: skip
    with pytest.raises(NotFound):
        volunteering.shift_check_in(person_ids=[district.person_b.pk], shift_id=shift.pk)
    assert Shift.objects.get().checked_in_at is None


def test_an_officer_records_a_forgotten_check_out(client, district, volunteer, api_token):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW - timedelta(hours=5),
        ends_at=NOW - timedelta(hours=1), task="checkpoint",
    )  # fmt: skip
    token = api_token(district.worker_a)
    ended = client.post(f"/api/v1/shifts/{shift.pk}/check-in", **token)
    assert ended.status_code == 400 and ended.json()["code"] == "wrong_state"  # the shift is over
    Shift.objects.filter(pk=shift.pk).update(checked_in_at=NOW - timedelta(hours=5))
    future = client.post(f"/api/v1/shifts/{shift.pk}/check-out", {"at": _at(9)}, content_type=JSON, **token)
    assert future.status_code == 400 and future.json()["code"] == "in_future"
    before = client.post(f"/api/v1/shifts/{shift.pk}/check-out", {"at": _at(1)}, content_type=JSON, **token)
    assert before.status_code == 400 and before.json()["code"] == "end_before_start"
    r = client.post(f"/api/v1/shifts/{shift.pk}/check-out", {"at": _at(6)}, content_type=JSON, **token)
    assert r.status_code == 200 and r.json()["stage"] == "worked" and r.json()["worked_minutes"] == 240
    shift.refresh_from_db()
    assert shift.checked_out_by == district.worker_a
    cancel = client.post(f"/api/v1/shifts/{shift.pk}/cancel", {"note": "x"}, content_type=JSON, **token)
    assert cancel.status_code == 400 and cancel.json()["code"] == "wrong_state"


def test_the_certificate_is_a_pdf_for_the_community_and_the_volunteer(district, volunteer, resident):
    shift = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=2),
        task="delivery",
    )  # fmt: skip
    volunteering.shift_check_in(actor=district.worker_a, shift_id=shift.pk)
    with clock.frozen_at(NOW + timedelta(hours=2)):
        volunteering.shift_check_out(actor=district.worker_a, shift_id=shift.pk)
    context = volunteering.certificate.certificate_context(volunteer)
    assert context["ledger"].hours == 2.0 and [h for _t, h in context["tasks"]] == [2.0]
    for r in (
        district.client(district.worker_a).get(f"/livelihood/volunteers/{volunteer.pk}/certificate/"),
        resident.get(f"/me/volunteer/{volunteer.pk}/certificate/"),
    ):
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    other = volunteer_sign_up(
        person_ids=[district.person_b.pk], person_id=district.person_b.pk, skills=["delivery"], availability="晚上"
    )
    assert resident.get(f"/me/volunteer/{other.pk}/certificate/").status_code == 404


def test_the_community_page_assigns_and_shows_the_clash(district, volunteer):
    worker = district.client(district.worker_a)
    form = {"action": "assign", "task": "patrol", "starts_at": "2026-12-03T08:00", "ends_at": "2026-12-03T10:00"}
    r = worker.post(f"/livelihood/volunteers/{volunteer.pk}/", form | {"key": "k1"}, follow=True)
    assert "Shift assigned" in r.content.decode() and Shift.objects.count() == 1
    twice = worker.post(f"/livelihood/volunteers/{volunteer.pk}/", form | {"key": "k1"}, follow=True)
    assert twice.status_code == 200 and Shift.objects.count() == 1  # a double tap: one shift
    clash = worker.post(f"/livelihood/volunteers/{volunteer.pk}/", form | {"key": "k2"})
    assert clash.status_code == 400 and clash.context["error"].code == "overlap"
    assert Shift.objects.count() == 1
    listing = worker.get("/livelihood/").content.decode()
    assert f"/livelihood/volunteers/{volunteer.pk}/" in listing


def test_a_volunteer_who_stops_has_their_planned_shifts_called_off(district, volunteer):
    planned = volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=2), task="patrol",
    )  # fmt: skip
    volunteer_withdraw(person_ids=[district.person_a.pk], volunteer_id=volunteer.pk)
    planned.refresh_from_db()
    assert planned.cancelled_at is not None and planned.cancel_note


def test_retention_deletes_the_sign_up_with_its_shifts(district, volunteer):
    volunteering.shift_assign(
        actor=district.worker_a, volunteer_id=volunteer.pk, starts_at=NOW, ends_at=NOW + timedelta(hours=2),
        task="patrol",
    )  # fmt: skip
    volunteer_withdraw(person_ids=[district.person_a.pk], volunteer_id=volunteer.pk)
    assert volunteers_purge(before=NOW + timedelta(days=1)) == 1
    assert not Volunteer.objects.exists() and not Shift.objects.exists()
