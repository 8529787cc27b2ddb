"""Resident sign-in by phone and one-time code; my status with the same reasons staff see; appeals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, TestCase

from fangkong.conftest import make_user
from fangkong.containment.changes import status_change_approve, status_change_request
from fangkong.containment.models import Appeal
from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.core.sms import LogChannel
from fangkong.residents.models import OneTimeCode

PHONE = "13912345678"  # person_a's


def _ask(c: Client, phone: str = PHONE):
    """Ask for a code; the text message leaves after the commit (in the background on a server)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return c.post("/me/login/", {"phone": phone})


def _code() -> str:
    return re.search(r"\d{6}", LogChannel.sent[-1][1]).group(0)  # type: ignore[union-attr]


@pytest.fixture
def resident(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    LogChannel.sent.clear()
    _ask(c)
    r = c.post("/me/login/", {"phone": PHONE, "code": _code()})
    assert r.status_code == 302 and r["Location"] == "/me/"
    return c


def test_sign_in_with_a_code_and_see_my_status(resident, district):
    page = resident.get("/me/")
    assert page.status_code == 200
    body = page.content.decode()
    assert district.person_a.name in body and "No restriction applies to you." in body and "<svg" in body
    assert district.person_b.name not in body
    assert AuditEvent.objects.filter(action="resident.login").count() == 1


def test_a_stranger_learns_nothing_and_wrong_codes_run_out(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    LogChannel.sent.clear()
    r = _ask(c, "13000000000")
    assert r.status_code == 200 and "If this number is registered" in r.content.decode()
    assert LogChannel.sent == []
    _ask(c)
    for _ in range(5):
        wrong = c.post("/me/login/", {"phone": PHONE, "code": "000000"})
        assert (wrong.status_code, wrong.context["error"].code) == (400, "otp_invalid")
    right = _code()
    assert c.post("/me/login/", {"phone": PHONE, "code": right}).status_code == 400  # five tries used up
    assert c.get("/me/").status_code == 302


def test_codes_expire_and_are_not_resent_at_once(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    _ask(c)
    again = _ask(c)
    assert again.status_code == 400 and "less than a minute" in again.content.decode()
    assert again.context["error"].code == "code_sent_recently"
    code = _code()
    with clock.advanced(timedelta(minutes=6)):
        assert c.post("/me/login/", {"phone": PHONE, "code": code}).status_code == 400


def test_i_see_a_manual_change_with_its_basis_and_appeal_it(resident, district):
    deputy = make_user("deputy", "hq_admin", jurisdiction=district.d)
    change = status_change_request(
        actor=district.hq,
        person_id=district.person_a.pk,
        colour="yellow",
        basis="《传染病防治法》第三十九条；同车密接",
        expires_at=clock.now() + timedelta(days=3),
    )
    status_change_approve(actor=deputy, change_id=change.pk)
    body = resident.get("/me/").content.decode()
    assert "Yellow" in body and "同车密接" in body and "File the appeal" in body
    r = resident.post(f"/me/appeals/{change.pk}/", {"text": "我当天不在车上，有监控为证"}, follow=True)
    assert "Your appeal was filed" in r.content.decode()
    assert Appeal.objects.get().change_id == change.pk
    filed = AuditEvent.objects.get(action="appeal.file")
    assert (filed.actor_id, filed.actor_name) == (None, "resident")  # the resident, named as such


def test_a_resident_appeals_only_a_change_about_themselves_and_none_is_no_actor(district):
    import pytest

    from fangkong.containment.changes import appeal_file
    from fangkong.core.actors import Resident
    from fangkong.core.scoping import NotFound

    deputy = make_user("deputy", "hq_admin", jurisdiction=district.d)
    change = status_change_request(
        actor=district.hq,
        person_id=district.person_b.pk,
        colour="yellow",
        basis="《传染病防治法》第三十九条；同车密接",
        expires_at=clock.now() + timedelta(days=3),
    )
    status_change_approve(actor=deputy, change_id=change.pk)
    with pytest.raises(NotFound):
        appeal_file(actor=Resident(district.person_a.pk), change_id=change.pk, text="不是我的变更")
    with pytest.raises(TypeError):
        appeal_file(actor=None, change_id=change.pk, text="没有人")
    assert appeal_file(actor=Resident(district.person_b.pk), change_id=change.pk, text="我当天不在车上").pk


def test_i_cannot_appeal_someone_elses_change(resident, district):
    deputy = make_user("deputy", "hq_admin", jurisdiction=district.d)
    change = status_change_request(
        actor=district.hq,
        person_id=district.person_b.pk,
        colour="yellow",
        basis="《传染病防治法》第三十九条；同车密接",
        expires_at=clock.now() + timedelta(days=3),
    )
    status_change_approve(actor=deputy, change_id=change.pk)
    assert resident.post(f"/me/appeals/{change.pk}/", {"text": "不是我"}).status_code == 404
    assert not Appeal.objects.exists()


def test_anyone_reports_a_hazard_from_the_portal(district):
    from fangkong.safety.models import PublicReport

    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = c.post("/me/report-hazard/", {"place": "园丁小区南门", "description": "燃气管道裸露在外，无防护"})
    assert r.status_code == 200 and "Thank you" in r.content.decode()
    named = c.post(
        "/me/report-hazard/",
        {"place": "某厂", "description": "夜间违规动火作业", "named": "1", "name": "市民甲", "phone": "13800003333"},
    )
    assert named.status_code == 200
    assert list(PublicReport.objects.order_by("pk").values_list("anonymous", flat=True)) == [True, False]


def test_a_second_request_answers_alike_for_registered_and_unregistered_numbers(district):
    """Phone enumeration: the replies, their limits and what is stored do not depend on registration."""
    replies = {}
    for phone in (PHONE, "13000000000"):
        c = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.1")
        first, second = _ask(c, phone), _ask(c, phone)
        replies[phone] = [
            (
                r.status_code,
                re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", r.content.decode().replace(phone, "N")),
            )
            for r in (first, second)
        ]
    assert replies[PHONE] == replies["13000000000"]
    assert [s for s, _ in replies[PHONE]] == [200, 400]
    assert OneTimeCode.objects.count() == 2  # one row each: the same writes either way


def test_codes_are_limited_per_address_across_numbers(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.5")
    for i in range(10):
        assert _ask(c, f"1300000{i:04d}").status_code == 200
    limited = _ask(c, "13000009999")
    assert limited.status_code == 429 and limited["Retry-After"]
    assert limited.context["error"].code == "rate_limited"
    assert _ask(Client(REMOTE_ADDR="198.51.100.1"), PHONE).status_code == 200


def test_wrong_codes_from_one_address_are_limited_across_numbers(district):
    c = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.6")
    for i in range(20):
        c.post("/me/login/", {"phone": f"1300000{i:04d}", "code": "123456"})
    _ask(Client(REMOTE_ADDR="198.51.100.1"))
    assert c.post("/me/login/", {"phone": PHONE, "code": _code()}).status_code == 429
