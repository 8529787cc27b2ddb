"""Volunteers sign up on the portal and are accepted by their community; price gouging reports from anyone,
decided by the market regulator, the reporter protected."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import NotFound
from fangkong.livelihood.models import PriceReport, Volunteer
from fangkong.livelihood.services import price_report_decide


def test_volunteer_sign_up_and_acceptance(district, resident):
    bad = resident.post("/me/volunteer/", {"person": district.person_a.pk, "availability": "周末"})
    assert bad.status_code == 400  # no skill chosen
    assert (bad.context["error"].field, bad.context["error"].code) == ("skills", "required")
    r = resident.post(
        "/me/volunteer/",
        {"person": district.person_a.pk, "skills": ["delivery", "driving"], "availability": "周末全天"},
    )
    assert r.status_code == 302
    again = resident.post(
        "/me/volunteer/", {"person": district.person_a.pk, "skills": ["delivery"], "availability": "晚上"}
    )
    assert again.status_code == 400 and "already" in again.content.decode()
    assert again.context["error"].code == "duplicate"
    v = Volunteer.objects.get()
    assert v.skills == ["delivery", "driving"]
    worker = district.client(district.worker_a)
    listing = worker.get("/livelihood/").content.decode()
    assert "周末全天" in listing
    assert "Delivering supplies、Driving" in listing and "delivery" not in listing.split("<main")[1]  # words, not codes
    signed = worker.get("/livelihood/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已报名，待社区审核" in signed and "已生效" not in signed  # only applied: not in force
    declined = worker.post("/livelihood/", {"volunteer": v.pk, "accept": "0"}, follow=True)
    assert "Say why" in declined.content.decode()  # declining needs a reason
    v.refresh_from_db()
    assert v.state == "applied"
    worker.post("/livelihood/", {"volunteer": v.pk, "accept": "1"})
    v.refresh_from_db()
    assert v.state == "accepted" and v.decided_by == district.worker_a
    assert "Accepted" in resident.get("/me/volunteer/").content.decode()
    district.client(district.worker_b).post("/livelihood/", {"volunteer": v.pk, "accept": "0", "note": "x"})
    v.refresh_from_db()
    assert v.state == "accepted"  # outside B's reach


def test_a_volunteer_stops_from_the_portal_and_the_community_is_told(district, resident):
    from fangkong.core.models import Notification
    from fangkong.livelihood.services import volunteer_withdraw

    resident.post("/me/volunteer/", {"person": district.person_a.pk, "skills": ["delivery"], "availability": "周末"})
    v = Volunteer.objects.get()
    with pytest.raises(NotFound):  # another phone's people: as if it did not exist
        volunteer_withdraw(person_ids=[district.person_b.pk], volunteer_id=v.pk)
    assert "Stop volunteering" in resident.get("/me/volunteer/").content.decode()
    r = resident.post("/me/volunteer/", {"action": "withdraw", "volunteer": v.pk}, follow=True)
    assert "no longer signed up" in r.content.decode()
    v.refresh_from_db()
    assert v.state == "withdrawn" and v.decided_at is not None
    assert Notification.objects.filter(user=district.worker_a, title__contains="有志愿者退出").exists()
    event = AuditEvent.objects.get(action="livelihood.volunteer_withdraw")
    assert event.actor_name == "resident"
    with pytest.raises(FieldError) as exc:  # ended already
        volunteer_withdraw(person_ids=[district.person_a.pk], volunteer_id=v.pk)
    assert (exc.value.field, exc.value.code) == ("state", "not_active")


def test_price_reports_anonymous_or_named_and_decided(district, market, api_token, client):
    anon = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert anon.get("/me/report-price/").status_code == 200
    bad = anon.post("/me/report-price/", {"shop": "", "place": "x", "goods": "口罩", "description": "涨价十倍"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (400, "shop", "required")
    short = anon.post("/me/report-price/", {"shop": "超市", "place": "x", "goods": "口罩", "description": "贵"})
    assert (short.status_code, short.context["error"].field, short.context["error"].code) == (
        400,
        "description",
        "too_short",
    )
    ok = anon.post(
        "/me/report-price/",
        {"shop": "平价超市", "place": "兴隆大街1号", "goods": "口罩", "price": "10元/个", "description": "涨价十倍"},
    )
    assert ok.status_code == 200 and "Thank you" in ok.content.decode()
    named = anon.post(
        "/me/report-price/",
        {"shop": "某药店", "place": "振兴街", "goods": "退烧药", "hoarding": "on", "description": "有货不卖",
         "named": "1", "name": "张三", "phone": "13800001111"},
    )  # fmt: skip
    assert named.status_code == 200
    r1, r2 = PriceReport.objects.order_by("pk")
    assert r1.anonymous and not r2.anonymous and r2.hoarding and b"13800001111" not in bytes(r2.phone_cipher)
    page = district.client(market).get("/livelihood/prices/").content.decode()
    assert "平价超市" in page and "张三" not in page and "13800001111" not in page
    no_outcome = district.client(market).post("/livelihood/prices/", {"report": r1.pk, "confirmed": "1"}, follow=True)
    assert "This field is required." in no_outcome.content.decode()  # the outcome is no optional field
    district.client(market).post("/livelihood/prices/", {"report": r1.pk, "confirmed": "1", "outcome": "已立案查处"})
    r1.refresh_from_db()
    assert r1.state == "confirmed" and r1.handled_by == market
    with pytest.raises(FieldError) as exc:
        price_report_decide(actor=market, report_id=r1.pk, confirmed=False, outcome="复查")
    assert (exc.value.field, exc.value.code) == ("state", "not_pending")
    assert district.client(district.worker_a).get("/livelihood/prices/").status_code == 404
    from fangkong.core.scoping import Forbidden
    from fangkong.livelihood.services import price_reporter_reveal

    with pytest.raises(Forbidden):
        price_reporter_reveal(actor=market, report_id=r2.pk, reason="核实奖励")  # not designated
    assert price_reporter_reveal(actor=district.hq, report_id=r2.pk, reason="核实奖励") == ("张三", "13800001111")
    assert AuditEvent.objects.filter(action="livelihood.price_reveal").count() == 1


def test_a_red_status_waits_to_volunteer(district):
    from fangkong.containment.cases import case_confirm
    from fangkong.core.actors import System
    from fangkong.livelihood.services import volunteer_sign_up

    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    with pytest.raises(FieldError) as exc:
        volunteer_sign_up(
            person_ids=[district.person_a.pk], person_id=district.person_a.pk, skills=["delivery"], availability="周末"
        )
    assert (exc.value.field, exc.value.code) == ("person_id", "status_red")
    assert not Volunteer.objects.exists()
