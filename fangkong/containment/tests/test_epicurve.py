"""The epidemic curve: by report date (the district's calendar day) or by onset (falling back to the report day, and
saying so), confirmed and asymptomatic apart, per street, with the testing volume; scoped to the reader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.conftest import make_person, make_user
from fangkong.containment.cases import case_record
from fangkong.containment.epi.epicurve import epicurve
from fangkong.containment.models import Case
from fangkong.core import clock, daily

NOW = datetime(2022, 5, 6, 4, 0, tzinfo=UTC)  # 12:00 in the district (UTC+8)


def record(district, name: str, at: datetime, *, community=None, grid=None, **fields) -> Case:
    person = make_person(community or district.a, grid or district.a1, name=name)
    with clock.frozen_at(at):
        return case_record(actor=district.hq, person_id=person.pk, **fields)


@pytest.fixture
def cases(district):
    # 2022-05-01 23:30 in the district is 15:30 UTC: the report day is the district's, the 1st.
    a1 = record(district, "甲一", datetime(2022, 5, 1, 15, 30, tzinfo=UTC), onset_date=date(2022, 4, 29))
    # 2022-05-02 00:30 in the district (16:30 UTC on the 1st): the 2nd.
    a2 = record(district, "甲二", datetime(2022, 5, 1, 16, 30, tzinfo=UTC), onset_date=date(2022, 4, 29))
    a3 = record(district, "甲三", datetime(2022, 5, 2, 3, 0, tzinfo=UTC), classification="asymptomatic")
    b1 = record(
        district,
        "乙一",
        datetime(2022, 5, 3, 3, 0, tzinfo=UTC),
        community=district.b,
        grid=district.b1,
        onset_date=date(2022, 5, 1),
    )
    return a1, a2, a3, b1


def _days(curve) -> dict:
    return {d["date"]: d for d in curve.days}


def test_by_report_date_counts_the_districts_calendar_day(district, cases):
    with clock.frozen_at(NOW):
        curve = epicurve(user=district.hq, by="report")
    days = _days(curve)
    assert list(days) == [date(2022, 5, d) for d in range(1, 7)]  # from the first case to today, gaps as zeros
    assert (days[date(2022, 5, 1)]["confirmed"], days[date(2022, 5, 1)]["asymptomatic"]) == (1, 0)
    assert (days[date(2022, 5, 2)]["confirmed"], days[date(2022, 5, 2)]["asymptomatic"]) == (1, 1)
    assert days[date(2022, 5, 3)]["confirmed"] == 1 and days[date(2022, 5, 4)]["confirmed"] == 0
    assert all(d["onset_unknown"] == 0 for d in curve.days)
    assert curve.total == 4


def test_by_onset_falls_back_to_the_report_day_and_says_so(district, cases):
    with clock.frozen_at(NOW):
        days = _days(epicurve(user=district.hq, by="onset"))
    assert min(days) == date(2022, 4, 29)
    assert days[date(2022, 4, 29)]["confirmed"] == 2 and days[date(2022, 4, 29)]["onset_unknown"] == 0
    # The asymptomatic case has no onset: on its report day (the 2nd), counted as such.
    assert days[date(2022, 5, 2)]["asymptomatic"] == 1 and days[date(2022, 5, 2)]["onset_unknown"] == 1
    assert days[date(2022, 5, 1)]["confirmed"] == 1  # B's onset


def test_scoped_to_the_reader_and_a_jurisdiction_outside_is_404(client, district, cases, api_token):
    with clock.frozen_at(NOW):
        assert epicurve(user=district.street1, by="report").total == 3  # street 1's three
        assert epicurve(user=district.worker_b, by="report").total == 1
        assert epicurve(user=district.hq, by="report", jurisdiction_id=district.s2.pk).total == 1
    street1 = api_token(district.street1)
    assert client.get(f"/api/v1/epicurve?jurisdiction={district.b.pk}", **street1).status_code == 404
    assert client.get("/api/v1/epicurve?jurisdiction=999999", **street1).status_code == 404
    r = client.get(f"/api/v1/epicurve?by=onset&jurisdiction={district.a.pk}", **street1)
    assert r.status_code == 200
    body = r.json()
    assert body["jurisdiction"]["id"] == district.a.pk
    assert sum(d["confirmed"] + d["asymptomatic"] for d in body["days"]) == 3
    assert {"date", "confirmed", "asymptomatic", "onset_unknown"} <= set(body["days"][0])
    assert client.get("/api/v1/epicurve", **api_token(district.unit_staff)).status_code == 403
    page = district.client(district.street1).get(f"/containment/epicurve/?jurisdiction={district.b.pk}")
    assert page.status_code == 404


def test_one_series_per_street(district, cases):
    with clock.frozen_at(NOW):
        curve = epicurve(user=district.hq, by="report", by_street=True)
        streets = {s["name"]: s for s in curve.streets}
        assert {n: s["total"] for n, s in streets.items()} == {district.s1.name: 3, district.s2.name: 1}
        assert len(streets[district.s1.name]["days"]) == len(curve.days)
        # Within a street: its communities.
        inner = epicurve(user=district.street1, by="report", by_street=True)
    assert [(s["name"], s["total"]) for s in inner.streets] == [(district.a.name, 3)]


def test_testing_volume_beside_it_for_those_who_see_testing(district, cases):
    daily.add("testing.samples", date(2022, 5, 2), district.a1.path, 500)
    daily.add("testing.samples", date(2022, 5, 2), district.b1.path, 200)
    with clock.frozen_at(NOW):
        hq = _days(epicurve(user=district.hq, by="report"))
        street = _days(epicurve(user=district.street1, by="report"))
    assert hq[date(2022, 5, 2)]["samples"] == 700 and hq[date(2022, 5, 3)]["samples"] == 0
    assert street[date(2022, 5, 2)]["samples"] == 500


def test_bad_input_is_named(client, district, cases, api_token):
    hq = api_token(district.hq)
    r = client.get("/api/v1/epicurve?by=week", **hq)
    assert r.status_code == 400 and r.json()["code"] == "unknown_choice"
    r = client.get("/api/v1/epicurve?since=2022-05-05&until=2022-05-01", **hq)
    assert r.status_code == 400 and r.json()["code"] == "end_before_start"
    r = client.get("/api/v1/epicurve?since=2020-01-01&until=2022-05-01", **hq)
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"
    assert district.client(district.hq).get("/containment/epicurve/?by=week").status_code == 400


def test_bounded_days_and_no_cases(district, cases):
    with clock.frozen_at(NOW):
        curve = epicurve(user=district.hq, by="report", since=date(2022, 5, 2), until=date(2022, 5, 3))
        assert [d["date"] for d in curve.days] == [date(2022, 5, 2), date(2022, 5, 3)]
        assert curve.total == 3
        nobody = make_user("street_empty", "street_officer", jurisdiction=district.s2)
        Case.objects.filter(jpath__startswith=district.s2.path).delete()
        assert epicurve(user=nobody, by="onset").days == []


def test_the_page_draws_it(district, cases):
    with clock.frozen_at(NOW):
        page = district.client(district.hq).get("/containment/epicurve/?by=onset&by_street=1")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="epicurve-data"' in html and "containment/epicurve.js" in html and district.s2.name in html


def test_counted_in_the_database_not_per_case(district, cases):
    def queries() -> int:
        with CaptureQueriesContext(connection) as seen, clock.frozen_at(NOW):
            epicurve(user=district.hq, by="onset", by_street=True)
        return len(seen)

    before = queries()
    for i in range(10):
        record(district, f"丙{i}", NOW - timedelta(days=i % 4))
    assert queries() == before <= 6
