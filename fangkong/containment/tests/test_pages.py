"""The pages: propose and approve a zone, see a person's status, ask for and decide a change; outsiders see 404."""

from __future__ import annotations

from datetime import timedelta

from fangkong.containment.models import StatusChange, Zone, ZoneLevel
from fangkong.containment.status import status_of
from fangkong.core import clock


def test_propose_then_second_person_approves_on_the_pages(district, containment):
    hq = district.client(district.hq)
    r = hq.post(
        "/containment/zones/",
        {"name": "幸福里", "level": "sealed", "places": [containment.compound.pk], "basis": "确诊病例居住小区"},
    )
    zone = Zone.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/containment/zones/{zone.pk}/")
    page = hq.get(f"/containment/zones/{zone.pk}/").content.decode()
    assert "Approve: put in force" not in page  # not for the proposer
    refused = hq.post(f"/containment/zones/{zone.pk}/", {"action": "approve"})
    assert refused.status_code == 400 and "cannot approve" in refused.content.decode()
    other = district.client(containment.hq2)
    assert "Approve: put in force" in other.get(f"/containment/zones/{zone.pk}/").content.decode()
    assert other.post(f"/containment/zones/{zone.pk}/", {"action": "approve", "note": "同意"}).status_code == 302
    page = other.get(f"/containment/zones/{zone.pk}/").content.decode()
    assert "3 people inside" in page and "Lifting criteria today" in page and "Zone approved" in page
    assert status_of(containment.residents[0].pk).colour == "red"


def test_bad_zone_form_names_the_problem(district, containment):
    r = district.client(district.hq).post("/containment/zones/", {"name": "x", "level": "sealed", "basis": "依据说明"})
    assert r.status_code == 400 and "at least one compound" in r.content.decode()


def test_person_status_page_and_a_guarded_change(district, containment):
    worker = district.client(district.worker_a)
    page = worker.get(f"/containment/people/{district.person_a.pk}/")
    assert page.status_code == 200 and "No reason for a restriction" in page.content.decode()
    assert "Ask for a manual change" not in page.content.decode()  # grid workers see, HQ asks
    hq = district.client(district.hq)
    expires = (clock.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = hq.post(
        f"/containment/people/{district.person_a.pk}/",
        {"action": "request", "colour": "yellow", "basis": "《传染病防治法》第三十九条；次密接", "expires_at": expires},
    )
    assert r.status_code == 302
    change = StatusChange.objects.get()
    hq.post(f"/containment/changes/{change.pk}/decide/", {"action": "approve"})
    change.refresh_from_db()
    assert change.state == "pending"  # the requester's own approval was refused
    district.client(containment.hq2).post(f"/containment/changes/{change.pk}/decide/", {"action": "approve"})
    change.refresh_from_db()
    assert change.state == "applied"
    page = worker.get(f"/containment/people/{district.person_a.pk}/").content.decode()
    assert "Manual change (approved)" in page and "次密接" in page


def test_outsiders_get_404_on_every_page(district, containment):
    zone = Zone.objects.create(
        name="z",
        level=ZoneLevel.objects.get(code="sealed"),
        basis="b",
        starts_at=clock.now(),
        requested_by=district.hq,
        jpath=district.a.path,
    )
    outsider = district.client(district.worker_b)
    assert outsider.get(f"/containment/zones/{zone.pk}/").status_code == 404
    assert outsider.get(f"/containment/people/{district.person_a.pk}/").status_code == 404
    lab = district.client(district.unit_staff)
    assert lab.get("/containment/zones/").status_code == 404
    assert lab.get("/containment/changes/").status_code == 404
