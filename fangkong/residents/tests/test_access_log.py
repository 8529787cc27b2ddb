"""A resident sees who looked at their data (issue 14): each reveal of their numbers, each tracing query that
concerned them and each step of a manual change of their status — purpose, office, masked officer, time — and
nobody else's."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.test import Client

from fangkong.conftest import make_user
from fangkong.containment.changes import status_change_approve, status_change_request
from fangkong.containment.models import VenueScan
from fangkong.containment.venues import visits_at, whereabouts
from fangkong.core import clock
from fangkong.registry.models import Unit
from fangkong.registry.services import person_reveal


def _signed_in(*people) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    session = c.session
    session["fangkong_resident"] = [p.pk for p in people]
    session.save()
    return c


def test_reveals_tracing_and_status_changes_are_listed_for_that_resident_only(district):
    a, b = district.person_a, district.person_b
    district.worker_a.last_name, district.worker_a.first_name = "张", "三"
    district.worker_a.save(update_fields=["last_name", "first_name"])
    person_reveal(actor=district.worker_a, person_id=a.pk, reason="电话核实行程甲")
    person_reveal(actor=district.worker_b, person_id=b.pk, reason="电话核实行程乙")
    whereabouts(actor=district.street1, person_id=a.pk, days=7, reason="病例12轨迹排查")
    venue = Unit.objects.create(
        kind="venue", name="兴隆大家庭超市", code="V-1", jurisdiction=district.a, jpath=district.a.path
    )
    now = clock.now()
    VenueScan.objects.create(venue=venue, person=a, at=now - timedelta(hours=3), colour="green", jpath=venue.jpath)
    visits_at(actor=district.street1, venue_id=venue.pk, since=now - timedelta(hours=4), until=now, reason="病例12密接")
    visits_at(  # a period A was not there: not theirs to see
        actor=district.street1,
        venue_id=venue.pk,
        since=now - timedelta(days=2),
        until=now - timedelta(days=1),
        reason="病例9密接",
    )
    hq2 = make_user("hq2", "hq_admin", jurisdiction=district.d)
    change = status_change_request(
        actor=district.hq,
        person_id=a.pk,
        colour="yellow",
        basis="《传染病防治法》第三十九条；与病例同乘一车",
        expires_at=now + timedelta(days=3),
    )
    status_change_approve(actor=hq2, change_id=change.pk, note="核实无误")

    page = _signed_in(a).get("/me/access/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Revealed your full ID number and phone" in text and "电话核实行程甲" in text
    assert "张*" in text and district.a.name in text and "张三" not in text  # the office, the officer masked
    assert "Looked up where you scanned in" in text and "病例12轨迹排查" in text and district.s1.name in text
    assert "兴隆大家庭超市" in text and "病例12密接" in text and "病例9密接" not in text
    # The period looked at, in the district's time, as every time is shown (it once came out empty).
    local = ZoneInfo("Asia/Shanghai")
    since, until = ((now - timedelta(hours=4)).astimezone(local), now.astimezone(local))
    assert f"({since:%Y-%m-%d %H:%M}–{until:%Y-%m-%d %H:%M})" in text
    assert "Asked for a manual change of your status to Yellow" in text and "第三十九条" in text
    assert "Approved a manual change of your status to Yellow" in text and "核实无误" in text
    assert "电话核实行程乙" not in text

    other = _signed_in(b).get("/me/access/").content.decode()
    assert "电话核实行程乙" in other
    for theirs in ("电话核实行程甲", "病例12轨迹排查", "病例12密接", "第三十九条", "核实无误"):
        assert theirs not in other


def test_the_page_needs_a_signed_in_resident(district):
    assert Client().get("/me/access/").status_code == 302
