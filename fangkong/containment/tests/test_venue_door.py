"""The venue door page on a staff phone (issue 22): a visitor's code read at the door, the visit recorded once per
key and answered with what to do; a visit kept offline sent with the time it was read; bad times and codes
refused by name; another venue's door not found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.conftest import make_user
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import VenueScan
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.registry.codes import person_code
from fangkong.registry.models import RoleAssignment, Unit


@pytest.fixture
def venue(district):
    return Unit.objects.create(
        kind="venue", name="兴隆大家庭超市", code="V-1", jurisdiction=district.a, jpath=district.a.path
    )


@pytest.fixture
def door(district, venue):
    return district.client(make_user("door", "venue_staff", unit=venue))


def _code(district, person) -> str:
    return person_code(actor=district.hq, person_id=person.pk)


def test_the_one_venue_opens_at_once_and_its_page_is_an_outbox_page(district, venue, door):
    r = door.get("/containment/venues/door/")
    assert r.status_code == 302 and r["Location"] == f"/containment/venues/door/{venue.pk}/"
    page = door.get(r["Location"]).content.decode()
    assert 'id="outbox"' in page and "data-outbox" in page and 'id="status-key"' in page
    assert "statuslist.js" in page and "venue_door.js" in page and 'data-scan-for="person_code"' in page


def test_a_visit_is_recorded_once_per_key_and_the_door_told_what_to_do(district, venue, door):
    url = f"/containment/venues/door/{venue.pk}/"
    data = {"person_code": _code(district, district.person_a), "key": "door-1", "at": ""}
    first = door.post(url, data)
    assert first.status_code == 200 and 'data-colour="green"' in first.content.decode()
    assert door.post(url, data).status_code == 200  # a double tap: the first answer, one visit
    scan = VenueScan.objects.get()
    assert scan.venue_id == venue.pk and scan.person_id == district.person_a.pk
    assert abs(scan.at - clock.now()) < timedelta(seconds=10)


def test_a_visit_kept_offline_is_recorded_at_its_time_and_a_red_one_comes_back_to_act_on(district, venue, door):
    url = f"/containment/venues/door/{venue.pk}/"
    read = clock.now() - timedelta(minutes=20)
    case_confirm(actor=System("test"), person_id=district.person_b.pk, source="testing")
    data = {"person_code": _code(district, district.person_b), "key": "door-off-1", "at": read.isoformat()}
    reply = door.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()
    assert reply["ok"] is True and reply["code"] == "stop" and reply["attention"] is True and reply["message"]
    assert door.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json() == reply  # sent again: the first reply
    scan = VenueScan.objects.get()
    assert scan.at == read and scan.colour == "red"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"person_code": "NOTACODE"}, "not_found"),
        ({"person_code": ""}, "required"),
        ({"at": "tomorrow"}, "invalid"),
        ({"at": "2099-01-01T08:00:00+08:00"}, "in_future"),
        ({"at": "2020-01-01T08:00:00+08:00"}, "too_old"),  # kept longer than the server remembers its keys
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_recorded(district, venue, door, fields, code):
    data = {"person_code": _code(district, district.person_a), "key": f"bad-{code}", "at": "", **fields}
    url = f"/containment/venues/door/{venue.pk}/"
    assert door.post(url, data, HTTP_X_FANGKONG_OUTBOX="1").json()["code"] == code
    page = door.post(url, {**data, "key": f"page-{code}"})
    assert page.status_code == 400  # the page again, saying what is wrong
    assert ('aria-invalid="true"' in page.content.decode()) == ("person_code" in fields)  # the field marked
    assert not VenueScan.objects.exists()


def test_another_venues_door_and_a_door_for_those_who_scan_nowhere_are_not_found(district, venue):
    other = Unit.objects.create(kind="venue", name="别家", code="V-2", jurisdiction=district.b, jpath=district.b.path)
    stranger = district.client(make_user("stranger", "venue_staff", unit=other))
    data = {"person_code": _code(district, district.person_a), "key": "x-1", "at": ""}
    assert stranger.get(f"/containment/venues/door/{venue.pk}/").status_code == 404
    assert stranger.post(f"/containment/venues/door/{venue.pk}/", data).status_code == 404
    # The community's worker scans within the community, at no venue's door: none is theirs.
    assert district.client(district.worker_a).get(f"/containment/venues/door/{venue.pk}/").status_code == 404
    editor = district.client(make_user("editor", "portal_editor", jurisdiction=district.d))  # scans nowhere
    assert editor.get(f"/containment/venues/door/{venue.pk}/").status_code == 404  # pages: missing powers alike
    assert editor.get("/containment/venues/door/").status_code == 404
    assert not VenueScan.objects.exists()


def test_staff_of_two_venues_choose_one(district, venue):
    other = Unit.objects.create(kind="venue", name="别家", code="V-2", jurisdiction=district.b, jpath=district.b.path)
    both = make_user("both", "venue_staff", unit=venue)
    RoleAssignment.objects.create(user=both, role="venue_staff", unit=other, jurisdiction=other.jurisdiction)
    page = district.client(both).get("/containment/venues/door/").content.decode()
    assert f"/containment/venues/door/{venue.pk}/" in page and f"/containment/venues/door/{other.pk}/" in page
