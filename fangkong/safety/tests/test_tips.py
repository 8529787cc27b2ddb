"""Public hazard reports: anyone reports; regulators verify into a hazard and reward; only designated staff see
a named reporter, audited; the enterprise never does."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.safety.models import Hazard, PublicReport

JSON = "application/json"


def test_report_verify_reward_and_who_sees_the_reporter(client, district, safety, api_token):
    r = client.post(
        "/api/v1/public/hazard-reports",
        {
            "enterprise_id": safety["plant"].pk,
            "description": "夜间偷排，储罐区无人值守",
            "name": "热心市民",
            "phone": "13800002222",
        },
        content_type=JSON,
    )
    assert r.status_code == 201 and r.json()["anonymous"] is False
    tid = r.json()["id"]
    raw = PublicReport.objects.get(pk=tid)
    assert b"13800002222" not in bytes(raw.phone_cipher) and "热心市民" not in str(raw.name_cipher)
    reg = api_token(safety["regulator"])
    listed = client.get("/api/v1/safety/public-reports", **reg).json()
    assert listed[0]["description"].startswith("夜间偷排") and "热心市民" not in str(listed)
    # the enterprise sees neither the report nor who made it
    ent = api_token(safety["officer"])
    assert client.get("/api/v1/safety/public-reports", **ent).json() == []
    assert (
        client.post(
            f"/api/v1/safety/public-reports/{tid}/reveal", {"reason": "核实"}, content_type=JSON, **ent
        ).status_code
        == 404
    )
    # the regulator handles reports but is not designated to see identities
    assert (
        client.post(
            f"/api/v1/safety/public-reports/{tid}/reveal", {"reason": "核实情况"}, content_type=JSON, **reg
        ).status_code
        == 403
    )
    v = client.post(
        f"/api/v1/safety/public-reports/{tid}/verify",
        {"grade": "major", "deadline": (clock.now() + timedelta(days=5)).isoformat()},
        content_type=JSON,
        **reg,
    )
    assert v.status_code == 200 and v.json()["state"] == "verified"
    hazard = Hazard.objects.get(pk=v.json()["hazard_id"])
    assert hazard.source == "public" and hazard.found_by == safety["regulator"]
    hazard_seen = client.get("/api/v1/safety/hazards", **ent).json()["items"][0]
    assert "热心市民" not in str(hazard_seen) and "13800002222" not in str(hazard_seen)
    assert (
        client.post(f"/api/v1/safety/public-reports/{tid}/reward", {"amount": "2000"}, content_type=JSON, **reg).json()[
            "reward"
        ]
        == "2000.00"
    )
    who = client.post(
        f"/api/v1/safety/public-reports/{tid}/reveal",
        {"reason": "发放举报奖励"},
        content_type=JSON,
        **api_token(district.hq),
    )
    assert who.json() == {"name": "热心市民", "phone": "13800002222"}
    assert AuditEvent.objects.filter(action="safety.tip_reveal", reason="发放举报奖励").count() == 1


def test_anonymous_and_bad_reports(client, district, safety, api_token):
    anon = client.post(
        "/api/v1/public/hazard-reports",
        {"place": "园丁小区南门加油站", "description": "加油站旁堆放易燃物"},
        content_type=JSON,
    )
    assert anon.status_code == 201 and anon.json()["anonymous"] is True
    bad = client.post("/api/v1/public/hazard-reports", {"description": "短"}, content_type=JSON)
    assert bad.status_code == 400 and (bad.json()["errors"][0]["field"], bad.json()["code"]) == ("place", "required")
    short = client.post("/api/v1/public/hazard-reports", {"place": "南门", "description": "短"}, content_type=JSON)
    assert (short.status_code, short.json()["code"]) == (400, "too_short")
    who = client.post(
        f"/api/v1/safety/public-reports/{anon.json()['id']}/reveal",
        {"reason": "发放奖励"},
        content_type=JSON,
        **api_token(district.hq),
    )
    assert who.status_code == 400


def test_the_public_page_reads_its_form_as_the_api_reads_its_body(district, safety):
    from django.test import Client

    c = Client()
    bad = c.post("/me/report-hazard/", {"place": "南门", "enterprise_id": "东门"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (400, "enterprise_id", "invalid")
    short = c.post("/me/report-hazard/", {"place": "南门", "description": "漏气"})
    assert (short.status_code, short.context["error"].field, short.context["error"].code) == (
        400,
        "description",
        "too_short",
    )
    # The name and phone are kept only when the reporter ticks "give my name".
    form = {"place": "南门", "description": "燃气管道裸露在外", "name": "王某", "phone": "13800002222"}
    assert c.post("/me/report-hazard/", form).status_code == 200
    assert c.post("/me/report-hazard/", {**form, "named": "1"}).status_code == 200
    assert [r.anonymous for r in PublicReport.objects.order_by("pk")] == [True, False]
