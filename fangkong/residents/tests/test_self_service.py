"""Resident self-service beyond status: a trip reported before leaving (screening's travel reports), and the
links to every service; nobody acts for a person not registered on their phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from fangkong.conftest import sign_in_resident
from fangkong.core import clock
from fangkong.screening.models import TravelReport


@pytest.fixture
def resident(district):
    return sign_in_resident("13912345678")


def test_report_my_trip_the_community_sees_it(district, resident):
    leave = clock.localdate() + timedelta(days=2)
    back = leave + timedelta(days=5)
    bad = resident.post("/me/travel/", {"destination": "沈阳", "depart_on": "someday", "return_on": back.isoformat(),
                                        "reason": "探亲", "transport": "自驾"})  # fmt: skip
    assert bad.status_code == 400 and "Give a date" in bad.content.decode() and "沈阳" in bad.content.decode()
    r = resident.post(
        "/me/travel/",
        {"destination": "沈阳", "depart_on": leave.isoformat(), "return_on": back.isoformat(), "reason": "探亲",
         "transport": "自驾"},
    )  # fmt: skip
    assert r.status_code == 302
    report = TravelReport.objects.get()
    assert report.person == district.person_a and report.filed_by is None and report.jpath == district.person_a.jpath
    assert "沈阳" in resident.get("/me/travel/").content.decode()
    staff = district.client(district.worker_a).get("/screening/travel/").content.decode()
    assert "沈阳" in staff
    other = resident.post(
        "/me/travel/",
        {"person": district.person_b.pk, "destination": "大连", "depart_on": leave.isoformat(),
         "return_on": back.isoformat(), "reason": "x", "transport": "y"},
    )  # fmt: skip
    assert other.status_code == 404 and TravelReport.objects.count() == 1


def test_services_need_sign_in_and_are_linked(district, resident):
    for path in ("/me/travel/", "/me/supplies/", "/me/volunteer/"):
        assert Client().get(path).status_code == 302  # to the sign-in
    page = resident.get("/me/").content.decode()
    for path in ("/me/travel/", "/me/supplies/", "/me/volunteer/", "/me/report-hazard/", "/me/report-price/"):
        assert path in page
