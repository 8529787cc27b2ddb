"""Schools (issue 20, point 8): staggered holiday plans per school and grade, the departures per day with their
peaks; a student's trip reported through screening's travel report with the school acknowledging, its unreported
exits visible to it; other schools and outsiders refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.conftest import make_person, make_user
from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.livelihood import schools
from fangkong.livelihood.models import SchoolHoliday
from fangkong.registry.models import Unit
from fangkong.screening.selectors import travel_reports_visible
from fangkong.screening.travel import travel_report_acknowledge, travel_report_file

JSON = "application/json"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def school(district):
    def make(name, j, code):
        unit = Unit.objects.create(kind="school", name=name, code=code, jurisdiction=j, jpath=j.path)
        return unit, make_user(f"staff_{code}", "school_staff", unit=unit)

    return make("兴隆小学", district.a, "S1"), make("胜利中学", district.b, "S2")


def _plan(client, token, school_id, grade, students, leaves, returns):
    body = {"school_id": school_id, "grade": grade, "students": students, "leaves_on": leaves, "returns_on": returns}
    return client.post("/api/v1/school-holidays", body, content_type=JSON, **token)


def test_schools_plan_by_grade_and_the_district_sees_the_peaks(client, district, school, api_token):
    (a, staff_a), (b, staff_b) = school
    token_a, token_b = api_token(staff_a), api_token(staff_b)
    assert _plan(client, token_a, a.pk, "一年级", 600, "2027-01-15", "2027-02-20").status_code == 201
    assert _plan(client, token_a, a.pk, "二年级", 300, "2027-01-16", "2027-02-20").status_code == 201
    assert _plan(client, token_b, b.pk, "初一", 500, "2027-01-15", "2027-02-21").status_code == 201
    own = client.get("/api/v1/school-holidays", **token_a).json()
    assert {p["grade"] for p in own["items"]} == {"一年级", "二年级"}  # their own school only
    district_wide = client.get("/api/v1/school-holidays", **api_token(district.hq)).json()
    days = {d["day"]: (d["students"], d["schools"], d["peak"]) for d in district_wide["departures"]}
    assert days == {"2027-01-15": (1100, 2, True), "2027-01-16": (300, 1, False)}
    community = client.get("/api/v1/school-holidays", **api_token(district.worker_a)).json()
    assert {p["school"] for p in community["items"]} == {"兴隆小学"}  # the community's own school
    assert AuditEvent.objects.filter(action="livelihood.school_holiday_create").count() == 3


def test_another_school_is_not_theirs(client, district, school, api_token):
    (a, staff_a), (b, _staff_b) = school
    r = _plan(client, api_token(staff_a), b.pk, "初一", 100, "2027-01-15", "2027-02-20")
    assert r.status_code == 400 and r.json()["code"] == "not_found"
    plan = schools.school_holiday_create(
        actor=district.hq, school_id=b.pk, grade="初二", students=80, leaves_on=date(2027, 1, 18),
        returns_on=date(2027, 2, 20),
    )  # fmt: skip
    cancel = client.post(f"/api/v1/school-holidays/{plan.pk}/cancel", {}, content_type=JSON, **api_token(staff_a))
    assert cancel.status_code == 404
    with pytest.raises(Forbidden):  # the community reads its schools' plans but does not change them
        schools.school_holiday_create(
            actor=district.worker_a, school_id=a.pk, grade="三年级", students=80, leaves_on=date(2027, 1, 18),
            returns_on=date(2027, 2, 20),
        )  # fmt: skip
    assert client.get("/api/v1/school-holidays", **api_token(district.worker_b)).json()["items"][0]["grade"] == "初二"


@pytest.mark.parametrize(
    ("grade", "students", "leaves", "returns", "field", "code"),
    [
        ("一年级", 0, "2027-01-15", "2027-02-20", "students", "out_of_range"),
        ("一年级", 10, "2026-11-15", "2027-02-20", "leaves_on", "out_of_range"),
        ("一年级", 10, "2027-01-15", "2027-01-10", "returns_on", "end_before_start"),
        ("一年级", 10, "2027-01-15", "2027-06-20", "returns_on", "out_of_range"),
        (" ", 10, "2027-01-15", "2027-02-20", "grade", "required"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(
    client, school, api_token, grade, students, leaves, returns, field, code
):
    (a, staff_a), _b = school
    r = _plan(client, api_token(staff_a), a.pk, grade, students, leaves, returns)
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == field
    assert not SchoolHoliday.objects.exists()


def test_a_grade_has_one_plan_until_cancelled(district, school):
    (a, staff_a), _b = school
    plan = {"school_id": a.pk, "grade": "一年级", "students": 100, "leaves_on": date(2027, 1, 15)}
    plan["returns_on"] = date(2027, 2, 20)
    first = schools.school_holiday_create(actor=staff_a, **plan)
    with pytest.raises(FieldError) as twice:
        schools.school_holiday_create(actor=staff_a, **plan)
    assert twice.value.code == "duplicate"
    schools.school_holiday_cancel(actor=staff_a, holiday_id=first.pk)
    assert schools.school_holiday_create(actor=staff_a, **plan).pk != first.pk


def test_the_school_acknowledges_its_students_trips(district, school):
    (a, staff_a), (_b, staff_b) = school
    student = make_person(district.a, name="小明")
    student.unit = a
    student.save(update_fields=["unit"])
    today = clock.localdate()
    report = travel_report_file(
        actor=district.worker_a, person=student, destination="北京市", depart_on=today + timedelta(days=1),
        return_on=today + timedelta(days=4), reason="探亲", transport="高铁",
    )  # fmt: skip
    assert report.unit == a
    assert list(travel_reports_visible(user=staff_a)) == [report]
    assert not travel_reports_visible(user=staff_b).exists()  # another school's student: not theirs
    travel_report_acknowledge(actor=staff_a, report_id=report.pk)
    report.refresh_from_db()
    assert report.employer_ack_by == staff_a


def test_the_page_plans_and_shows_the_departures(district, school):
    (a, staff_a), _b = school
    page = district.client(staff_a)
    form = {
        "school_id": a.pk,
        "grade": "三年级",
        "students": "1200",
        "leaves_on": "2027-01-20",
        "returns_on": "2027-02-25",
    }
    r = page.post("/livelihood/schools/", form, follow=True)
    body = r.content.decode()
    assert "三年级" in body and "1200" in body and "peak" in body
    bad = page.post("/livelihood/schools/", form | {"grade": "四年级", "students": "0"})
    assert bad.status_code == 400 and bad.context["error"].code == "out_of_range"
    assert district.client(district.unit_staff).get("/livelihood/schools/").status_code == 404
