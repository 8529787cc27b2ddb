"""The residents' persona: a resident signed in with their phone reaches only the people of their own session.
Another resident's objects answer exactly like objects that do not exist, and nothing is written for them.

The resident pages are marked `self_` in coverage.py (they need a phone sign-in, not a staff login); these checks
are their scope checks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from fangkong.conftest import make_user, sign_in_resident
from fangkong.core import clock

PHONE_A = "13912345678"  # the district fixture's person_a (community A)


def _resident(phone: str) -> Client:
    return sign_in_resident(phone)


def _same(a, b, *paths: str) -> None:
    """Two replies a resident cannot tell apart (CSRF tokens and the page's own address aside)."""
    strip = re.compile(r'name="csrfmiddlewaretoken" value="\w+"')

    def text(reply) -> str:
        body = strip.sub("", reply.content.decode())
        for path in paths:
            body = body.replace(path, "PATH")
        return body

    assert a.status_code == b.status_code
    assert text(a) == text(b)


@pytest.fixture
def b_change(district):
    from fangkong.containment.changes import status_change_approve, status_change_request

    change = status_change_request(
        actor=district.hq,
        person_id=district.person_b.pk,
        colour="yellow",
        basis="密接判定，依据传染病防治法第三十九条",
        expires_at=clock.now() + timedelta(days=3),
    )
    status_change_approve(actor=make_user("hq2", "hq_admin", jurisdiction=district.d), change_id=change.pk)
    return change


def test_another_residents_change_cannot_be_appealed(district, b_change):
    from fangkong.containment.models import Appeal

    resident = _resident(PHONE_A)
    body = {"text": "我从未去过该地，有行程记录为证"}
    theirs = resident.post(f"/me/appeals/{b_change.pk}/", body)
    nothing = resident.post("/me/appeals/999999/", body)
    assert theirs.status_code == 404
    _same(theirs, nothing, f"/me/appeals/{b_change.pk}/", "/me/appeals/999999/")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("page", ["travel", "volunteer"])
def test_another_residents_person_cannot_be_chosen(district, page):
    from fangkong.livelihood.models import Volunteer
    from fangkong.screening.models import TravelReport

    resident = _resident(PHONE_A)
    today = clock.localdate()
    body = {
        "travel": {
            "destination": "沈阳市",
            "depart_on": (today + timedelta(days=2)).isoformat(),
            "return_on": (today + timedelta(days=5)).isoformat(),
            "reason": "探亲",
            "transport": "高铁",
        },
        "volunteer": {"skills": "driving", "availability": "周末全天"},
    }[page]
    theirs = resident.post(f"/me/{page}/", {**body, "person": district.person_b.pk})
    nothing = resident.post(f"/me/{page}/", {**body, "person": 999_999})
    assert theirs.status_code == 404  # another household's person reads as one that does not exist
    _same(theirs, nothing)
    assert not TravelReport.objects.filter(person=district.person_b).exists()
    assert not Volunteer.objects.filter(person=district.person_b).exists()
    assert "王五" not in resident.get("/me/").content.decode()  # person_b's name
    # The same form for one's own person goes through (so the refusal above is about whom, not about the form).
    resident.post(f"/me/{page}/", {**body, "person": district.person_a.pk})
    model = {"travel": TravelReport, "volunteer": Volunteer}[page]
    assert model.objects.filter(person=district.person_a).exists()
