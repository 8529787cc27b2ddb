"""Overdue hazards are announced once each: an overdue rectification to the enterprise and its regulators (a major
one to district HQ too), a review pending past 10 days to the regulators and HQ — again after a new application."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from fangkong.conftest import make_user
from fangkong.core import clock
from fangkong.core.models import Notification
from fangkong.registry.models import Unit
from fangkong.safety.escalation import escalate_hazards
from fangkong.safety.hazards import hazard_create, hazard_transition
from fangkong.safety.models import Hazard

FIVE = {"responsibility": "张某", "measures": "换阀", "funds": "1万", "time_limit": "3天", "contingency": "预案"}


def _told(hazard) -> list[str]:
    return sorted(
        Notification.objects.filter(link=f"/safety/hazards/{hazard.pk}/").values_list("user__username", flat=True)
    )


def test_overdue_rectification_is_announced_once(district, safety):
    market = make_user("market", "safety_regulator", unit=Unit.objects.get(code="SJ"))  # supervises 食品
    reg = safety["regulator"]
    deadline = clock.now() + timedelta(days=2)
    major = hazard_create(
        actor=reg, enterprise_id=safety["plant"].pk, grade="major", description="阀门锈蚀", deadline=deadline
    )
    general = hazard_create(
        actor=district.hq, enterprise_id=safety["other"].pk, grade="general", description="通道堵塞", deadline=deadline
    )
    assert escalate_hazards() == 0  # nothing overdue yet
    with clock.advanced(timedelta(days=3)):
        assert escalate_hazards() == 2
        assert escalate_hazards() == 0  # once
    major.refresh_from_db()
    general.refresh_from_db()
    assert major.overdue_notified_at and general.overdue_notified_at
    assert _told(major) == ["hq", "officer", "reg"]  # a major hazard: district HQ too
    assert _told(general) == [market.username, "officer2"]  # its regulator by the industry matrix


def test_review_overdue_announced_and_again_after_a_new_application(district, safety):
    reg, ent = safety["regulator"], safety["officer"]
    h = hazard_create(
        actor=reg,
        enterprise_id=safety["plant"].pk,
        grade="major",
        description="阀门锈蚀",
        deadline=clock.now() + timedelta(days=60),
    )
    hazard_transition(actor=reg, hazard_id=h.pk, to="registered")
    hazard_transition(actor=reg, hazard_id=h.pk, to="ordered")
    hazard_transition(actor=ent, hazard_id=h.pk, to="rectifying", assurances=FIVE)
    hazard_transition(actor=ent, hazard_id=h.pk, to="applied")
    with clock.advanced(timedelta(days=9)):
        assert escalate_hazards() == 0
    with clock.advanced(timedelta(days=11)):
        assert escalate_hazards() == 1
        assert escalate_hazards() == 0
        assert _told(h) == ["hq", "officer", "reg"]
        # Re-inspection not passed: back to rectifying, a new application; that one waits too long as well.
        hazard_transition(actor=reg, hazard_id=h.pk, to="rectifying", note="复查不合格")
        hazard_transition(actor=ent, hazard_id=h.pk, to="applied")
    with clock.advanced(timedelta(days=22)):
        assert escalate_hazards() == 1
    assert len(_told(h)) == 6
    assert Hazard.objects.get(pk=h.pk).review_notified_at is not None


def test_escalate_command_and_the_review_page(district, safety):
    reg = safety["regulator"]
    h = hazard_create(
        actor=reg,
        enterprise_id=safety["plant"].pk,
        grade="general",
        description="灭火器过期",
        deadline=clock.now() + timedelta(days=1),
    )
    with clock.advanced(timedelta(days=2)):
        out = StringIO()
        call_command("escalate", stdout=out)
        assert "1 overdue hazards announced" in out.getvalue()
        page = district.client(reg).get("/safety/review/")
        assert page.status_code == 200 and "灭火器过期" in page.content.decode()
    assert Hazard.objects.get(pk=h.pk).overdue_notified_at is not None
    assert district.client(district.worker_b).get("/safety/review/").status_code == 404


def test_the_review_page_counts_down_the_ten_days(district, safety):
    reg, ent = safety["regulator"], safety["officer"]
    h = hazard_create(
        actor=reg, enterprise_id=safety["plant"].pk, grade="major", description="储罐液位计失灵",
        deadline=clock.now() + timedelta(days=60),
    )  # fmt: skip
    hazard_transition(actor=reg, hazard_id=h.pk, to="registered")
    hazard_transition(actor=reg, hazard_id=h.pk, to="ordered")
    page = district.client(reg).get("/safety/review/").content.decode()
    assert "储罐液位计失灵" in page  # a major hazard still without its five assurances
    hazard_transition(actor=ent, hazard_id=h.pk, to="rectifying", assurances=FIVE)
    hazard_transition(actor=ent, hazard_id=h.pk, to="applied")
    with clock.advanced(timedelta(days=3)):
        assert "7 days left" in district.client(reg).get("/safety/review/").content.decode()
    with clock.advanced(timedelta(days=12, hours=1)):
        assert "review 2 days overdue" in district.client(reg).get("/safety/review/").content.decode()
