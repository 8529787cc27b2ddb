"""Duty: rosters from a holiday template, one leader a shift, no person on two shifts at once, check-in and
check-out, flags from the clock, the log and significant events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fangkong.command.duty import (
    board,
    duty_assign,
    duty_check_in,
    duty_log,
    duty_log_promote,
    duty_unassign,
    roster_generate,
)
from fangkong.command.models import DutyShift
from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import Notification

JSON = "application/json"


@pytest.fixture
def may_day(district):
    with clock.frozen_at(clock.now().replace(year=2026, month=4, day=30, hour=10)):
        return roster_generate(
            actor=district.street1, jurisdiction_id=district.s1.pk, first=date(2026, 5, 1), days=5, label="五一假期"
        )


def test_a_holiday_roster_and_its_rules(district, may_day):
    assert len(may_day) == 5 and may_day[0].label == "五一假期"
    assert (may_day[0].ends_at - may_day[0].starts_at) == timedelta(days=1)
    leader = make_user("leader1", "street_officer", jurisdiction=district.s1)
    duty_assign(actor=district.street1, shift_id=may_day[0].pk, user_id=leader.pk, role="leader")
    with pytest.raises(FieldError) as exc:
        duty_assign(actor=district.street1, shift_id=may_day[0].pk, user_id=district.street1.pk, role="leader")
    assert (exc.value.field, exc.value.code) == ("role", "duplicate")
    duty_assign(actor=district.street1, shift_id=may_day[0].pk, user_id=district.worker_a.pk, role="officer")
    overlapping = roster_generate(actor=district.hq, jurisdiction_id=district.d.pk, first=date(2026, 5, 1), days=1)
    with pytest.raises(FieldError) as exc:
        duty_assign(actor=district.hq, shift_id=overlapping[0].pk, user_id=district.worker_a.pk, role="officer")
    assert (exc.value.field, exc.value.code) == ("user_id", "shift_clash") and "another shift" in exc.value.message
    with pytest.raises(FieldError) as exc:
        roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, first=date(2026, 6, 1), days=100)
    assert (exc.value.field, exc.value.code) == ("days", "out_of_range")


def test_flags_check_in_and_significant_events(district, may_day):
    shift = may_day[1]
    duty_assign(actor=district.street1, shift_id=shift.pk, user_id=district.worker_a.pk, role="officer")
    inside = shift.starts_at + timedelta(hours=1)
    with clock.frozen_at(inside):
        view = next(v for v in board(user=district.street1, day=clock.localdate()) if v.shift.pk == shift.pk)
        assert view.no_leader and view.nobody_in
        duty_check_in(actor=district.worker_a, shift_id=shift.pk)
        view = next(v for v in board(user=district.street1, day=clock.localdate()) if v.shift.pk == shift.pk)
        assert not view.nobody_in
        entry = duty_log(actor=district.worker_a, shift_id=shift.pk, text="某小区发生火情，已处置")
        duty_log_promote(actor=district.street1, entry_id=entry.pk)
    assert Notification.objects.filter(user=district.hq, title__contains="某小区发生火情").exists()
    with clock.frozen_at(shift.ends_at + timedelta(hours=2)), pytest.raises(FieldError) as exc:
        duty_check_in(actor=district.worker_a, shift_id=shift.pk)
    assert (exc.value.field, exc.value.code) == ("shift", "outside_shift")


def test_duty_api_and_outsiders(client, district, api_token):
    street = api_token(district.street1)
    first = clock.localdate()
    r = client.post(
        "/api/v1/duty/rosters",
        {"jurisdiction_id": district.s1.pk, "first": first.isoformat(), "days": 2},
        content_type=JSON,
        **street,
    )
    assert r.status_code == 201 and len(r.json()) == 2
    shift = r.json()[0]
    assert (
        client.post(
            f"/api/v1/duty/shifts/{shift}/assign",
            {"user_id": district.worker_a.pk, "role": "leader"},
            content_type=JSON,
            **street,
        ).status_code
        == 201
    )
    board_ = client.get("/api/v1/duty/board", **street).json()
    assert any(s["id"] == shift and s["leader"] == "worker_a" for s in board_)
    outsider = api_token(district.worker_b)
    assert (
        client.post(
            "/api/v1/duty/rosters",
            {"jurisdiction_id": district.s1.pk, "first": first.isoformat()},
            content_type=JSON,
            **outsider,
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/duty/shifts/{shift}/check-in", **outsider).status_code == 404
    assert client.get("/api/v1/duty/board", **outsider).status_code == 403


def test_duty_page(district):
    shifts = roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, first=clock.localdate(), days=1)
    duty_assign(actor=district.street1, shift_id=shifts[0].pk, user_id=district.worker_a.pk, role="leader")
    worker = district.client(district.worker_a)
    page = worker.get("/command/duty/").content.decode()
    assert "新工街道" in page
    manager = district.client(district.street1).get("/command/duty/").content.decode()
    assert "worker_a" in manager
    assert district.client(district.unit_staff).get("/command/duty/").status_code == 404
    # The log is written through the API's schema: a blank entry is refused, naming its field.
    blank = worker.post("/command/duty/", {"action": "log", "shift": shifts[0].pk, "text": "  "})
    assert blank.status_code == 400
    assert (blank.context["error"].field, blank.context["error"].code) == ("text", "required")
    assert 'data-code="required"' in blank.content.decode()
    written = worker.post("/command/duty/", {"action": "log", "shift": shifts[0].pk, "text": "交接班正常"})
    assert written.status_code == 302 and shifts[0].log.get().text == "交接班正常"


def test_a_units_duty_room(district):
    from fangkong.registry.models import Unit

    dept = Unit.objects.create(
        kind="department", name="区卫健局", code="WJ", jurisdiction=district.d, jpath=district.d.path
    )
    shifts = roster_generate(actor=district.hq, unit_id=dept.pk, first=clock.localdate(), days=2, label="周末")
    assert len(shifts) == 2 and shifts[0].post == dept
    with pytest.raises(Exception):  # noqa: B017  (a street cannot roster a district department)
        roster_generate(actor=district.street1, unit_id=dept.pk, first=clock.localdate(), days=1)


def test_holiday_templates_give_the_days_the_name_and_a_fixed_first_day(district):
    with clock.frozen_at(clock.now().replace(year=2026, month=6, day=10, hour=10)):
        shifts = roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, template="labour_day")
        assert [s.label for s in shifts] == ["五一假期"] * 5
        assert clock.localdate(shifts[0].starts_at) == date(2027, 5, 1)  # this year's has passed
        national = roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, template="national_day")
        assert len(national) == 7 and clock.localdate(national[0].starts_at) == date(2026, 10, 1)
        with pytest.raises(FieldError) as exc:  # a lunar holiday: this year's schedule gives the first day
            roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, template="spring_festival")
        assert (exc.value.field, exc.value.code) == ("first", "required")
        spring = roster_generate(
            actor=district.street1, jurisdiction_id=district.s1.pk, template="spring_festival", first=date(2027, 2, 5)
        )
        assert len(spring) == 8 and spring[0].label == "春节假期"
        with pytest.raises(FieldError) as exc:
            roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, template="halloween")
        assert (exc.value.field, exc.value.code) == ("template", "unknown_choice")


def test_only_staff_within_reach_go_on_a_roster_and_come_off_before_checking_in(district):
    shift = roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, first=clock.localdate(), days=1)[0]
    with pytest.raises(FieldError) as exc:  # worker_b works in another street: unknown here
        duty_assign(actor=district.street1, shift_id=shift.pk, user_id=district.worker_b.pk, role="officer")
    assert (exc.value.field, exc.value.code) == ("user_id", "not_found")
    a = duty_assign(actor=district.street1, shift_id=shift.pk, user_id=district.worker_a.pk, role="officer")
    duty_unassign(actor=district.street1, shift_id=shift.pk, assignment_id=a.pk)
    assert not shift.assignments.exists()
    told = Notification.objects.filter(user=district.worker_a).latest("id")
    assert "值班已取消" in told.title and "off duty" in told.texts["en"][0]  # the district's language; each reader's
    a = duty_assign(actor=district.street1, shift_id=shift.pk, user_id=district.worker_a.pk, role="officer")
    with clock.frozen_at(shift.starts_at + timedelta(hours=1)):
        duty_check_in(actor=district.worker_a, shift_id=shift.pk)
    with pytest.raises(FieldError) as exc:
        duty_unassign(actor=district.street1, shift_id=shift.pk, assignment_id=a.pk)
    assert (exc.value.field, exc.value.code) == ("assignment_id", "wrong_state")


def test_the_roster_page_builds_assigns_and_takes_off(district):
    page = district.client(district.street1)
    r = page.get("/command/duty/roster/")
    assert r.status_code == 200 and "五一假期" in r.content.decode()
    bad = page.post("/command/duty/roster/", {"action": "roster", "post": f"j:{district.s1.pk}", "days": "3"})
    assert bad.status_code == 400 and (bad.context["error"].field, bad.context["error"].code) == ("first", "required")
    made = page.post(
        "/command/duty/roster/",
        {
            "action": "roster",
            "post": f"j:{district.s1.pk}",
            "first": clock.localdate().isoformat(),
            "days": "2",
            "change_at": "08:30",
            "label": "值班",
        },
        follow=True,
    )
    assert "2 shifts added" in made.content.decode()
    shift = DutyShift.objects.filter(jurisdiction=district.s1).order_by("starts_at").first()
    assert clock.localtime(shift.starts_at).endswith(" 08:30")
    text = page.get("/command/duty/roster/").content.decode()
    assert f'id="shift-{shift.pk}"' in text and '<option value="worker_a">' in text and "worker_b" not in text
    beyond = page.post(
        "/command/duty/roster/", {"action": "assign", "shift": shift.pk, "username": "worker_b", "role": "leader"}
    )
    assert (beyond.context["error"].field, beyond.context["error"].code) == ("username", "not_found")
    put = page.post(
        "/command/duty/roster/",
        {"action": "assign", "shift": shift.pk, "username": "WORKER_A", "role": "leader"},
        follow=True,
    )
    assert "is on the shift" in put.content.decode()
    a = shift.assignments.get()
    off = page.post("/command/duty/roster/", {"action": "unassign", "shift": shift.pk, "assignment": a.pk}, follow=True)
    assert "Taken off the shift" in off.content.decode() and not shift.assignments.exists()
    # A duty room of another street is not one's to roster.
    other = page.post(
        "/command/duty/roster/",
        {"action": "roster", "post": f"j:{district.s2.pk}", "first": clock.localdate().isoformat()},
    )
    assert other.status_code == 400 and other.context["error"].code == "not_found"
    assert district.client(district.worker_a).get("/command/duty/roster/").status_code == 404


def test_the_holidays_and_unassign_api(client, district, api_token):
    street = api_token(district.street1)
    holidays = client.get("/api/v1/duty/holidays", **street).json()
    assert {"key": "weekend", "label": "周末", "days": 2} == {k: holidays[-1][k] for k in ("key", "label", "days")}
    shift = roster_generate(actor=district.street1, jurisdiction_id=district.s1.pk, first=clock.localdate(), days=1)[0]
    a = duty_assign(actor=district.street1, shift_id=shift.pk, user_id=district.worker_a.pk, role="officer")
    url = f"/api/v1/duty/shifts/{shift.pk}/assignments/{a.pk}"
    assert client.delete(url, **api_token(district.worker_b)).status_code == 404
    assert client.delete(url, **street).status_code == 204
    assert client.delete(url, **street).status_code == 400  # nobody by that assignment any more
