"""Accident reports: the initial report to the regulator within its grade's limit, graded from the casualties,
follow-ups that re-grade upwards, the final report; one record with command's incidents; scope and bad input."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fangkong.core import clock
from fangkong.core.models import AuditEvent, Notification
from fangkong.incidents.models import Incident
from fangkong.safety.accidents import grade_of
from fangkong.safety.models import Accident

JSON = "application/json"


def _report(client, token, enterprise, **extra):
    body = {
        "enterprise_id": enterprise.pk,
        "kind": "poisoning",
        "occurred_at": (clock.now() - timedelta(minutes=20)).isoformat(),
        "text": "液氨泄漏，一人中毒送医，已疏散并关闭阀门",
        "serious_injuries": 1,
        **extra,
    }
    return client.post("/api/v1/safety/accidents", body, content_type=JSON, **token)


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "level"),
    [
        (0, 0, "0", "IV"),
        (2, 9, "999.99", "IV"),
        (3, 0, "0", "III"),
        (0, 10, "0", "III"),
        (0, 0, "1000", "III"),
        (10, 0, "0", "II"),
        (0, 50, "0", "II"),
        (0, 0, "5000", "II"),
        (30, 0, "0", "I"),
        (0, 100, "0", "I"),
        (0, 0, "10000", "I"),
    ],
)
def test_grade_follows_the_regulation(deaths, injuries, loss, level):
    assert grade_of(deaths=deaths, serious_injuries=injuries, economic_loss=Decimal(loss)) == level


def test_enterprise_reports_regulator_and_hq_are_told(client, district, safety, api_token):
    ent = api_token(safety["officer"])
    r = _report(client, ent, safety["plant"])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["level"] == "IV" and body["serious_injuries"] == 1 and not body["closed"]
    assert body["reports"][0]["kind"] == "initial" and body["initial_late_minutes"] == 0
    assert body["minutes_left"] is not None  # the countdown to the first follow-up
    incident = Incident.objects.get(pk=body["incident_id"])
    assert incident.jurisdiction == district.a and incident.accident.enterprise == safety["plant"]
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"reg", "hq"} <= told and "officer2" not in told  # the supervising regulator, district HQ
    assert AuditEvent.objects.filter(action="safety.accident").count() == 1
    # The duty room reads the same record among command's incidents.
    hq = api_token(district.hq)
    assert [i["id"] for i in client.get("/api/v1/incidents", **hq).json()] == [incident.pk]
    assert client.get(f"/api/v1/safety/accidents/{body['id']}", **api_token(safety["regulator"])).status_code == 200


def test_initial_report_late_against_the_configured_limit(client, district, safety, api_token):
    hq = api_token(district.hq)
    put = client.put(
        "/api/v1/incidents/levels/IV",
        {"code": "IV", "name": "一般", "initial_minutes": 30, "followup_hours": 24, "rank": 4},
        content_type=JSON,
        **hq,
    )
    assert put.status_code == 200
    known = clock.now() - timedelta(minutes=75)
    r = _report(
        client,
        api_token(safety["officer"]),
        safety["plant"],
        occurred_at=(known - timedelta(minutes=5)).isoformat(),
        known_at=known.isoformat(),
    )
    assert r.status_code == 201 and r.json()["initial_late_minutes"] == 45


def test_followups_regrade_upwards_and_the_final_closes(client, district, safety, api_token):
    ent = api_token(safety["officer"])
    aid = _report(client, ent, safety["plant"]).json()["id"]
    url = f"/api/v1/safety/accidents/{aid}/reports"
    worse = client.post(
        url, {"text": "又有两人抢救无效死亡", "deaths": 3}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **ent
    )
    assert worse.status_code == 201, worse.content
    assert worse.json()["level"] == "III" and worse.json()["deaths"] == 3
    assert "Re-graded to Relatively serious" in worse.json()["reports"][-1]["text"]  # the writer's language
    assert Incident.objects.get().level.code == "III"
    # Fewer casualties counted later (a correction) never lowers the grade on its own.
    fewer = client.post(url, {"text": "核实：死亡2人", "deaths": 2}, content_type=JSON, **ent)
    assert fewer.status_code == 201 and fewer.json()["level"] == "III" and fewer.json()["deaths"] == 2
    reg = api_token(safety["regulator"])
    final = client.post(url, {"text": "终报：事故调查组已成立", "final": True}, content_type=JSON, **reg)
    assert final.status_code == 201 and final.json()["closed"]
    assert [r["kind"] for r in final.json()["reports"]] == ["initial", "followup", "followup", "final"]
    after = client.post(url, {"text": "再报"}, content_type=JSON, **ent)
    assert after.status_code == 400
    changes = AuditEvent.objects.filter(action="safety.accident_followup").order_by("pk").first()
    assert changes.fields["changes"] == {"deaths": ["0", "3"]}


def test_bad_input_is_refused_and_nothing_is_written(client, district, safety, api_token):
    ent = api_token(safety["officer"])
    cases = [
        ({"kind": "meteor"}, "kind"),
        ({"deaths": -1}, "deaths"),
        ({"economic_loss": "-5"}, "economic_loss"),
        ({"occurred_at": (clock.now() + timedelta(hours=2)).isoformat()}, "occurred_at"),
        ({"text": "  "}, "text"),
    ]
    for extra, field in cases:
        r = _report(client, ent, safety["plant"], **extra)
        assert r.status_code in (400, 422), (extra, r.content)
        if r.status_code == 400:
            assert r.json()["errors"][0]["field"] == field, (extra, r.content)
    assert not Accident.objects.exists() and not Incident.objects.exists()
    aid = _report(client, ent, safety["plant"]).json()["id"]
    empty = client.post(f"/api/v1/safety/accidents/{aid}/reports", {"text": ""}, content_type=JSON, **ent)
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "text"


def test_outsiders_are_refused(client, district, safety, api_token):
    aid = _report(client, api_token(safety["officer"]), safety["plant"]).json()["id"]
    other = api_token(safety["other_officer"])
    assert _report(client, other, safety["plant"]).status_code == 404  # another enterprise's officer
    assert client.get(f"/api/v1/safety/accidents/{aid}", **other).status_code == 404
    assert client.get("/api/v1/safety/accidents", **other).json()["count"] == 0
    outsider = api_token(district.worker_b)
    assert client.get(f"/api/v1/safety/accidents/{aid}", **outsider).status_code == 404
    r = client.post(f"/api/v1/safety/accidents/{aid}/reports", {"text": "x"}, content_type=JSON, **outsider)
    assert r.status_code == 404
    assert client.get("/api/v1/safety/accidents").status_code == 401


def test_report_and_follow_up_on_the_pages(district, safety):
    from django.utils import timezone

    ent = district.client(safety["officer"])
    occurred = timezone.localtime(clock.now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    form = {"enterprise_id": safety["plant"].pk, "kind": "fall", "occurred_at": occurred, "text": "坠落"}
    bad = ent.post("/safety/accidents/", {**form, "deaths": "x"})
    assert bad.status_code == 400 and "坠落" in bad.content.decode()  # the form comes back as typed
    assert (bad.context["error"].field, bad.context["error"].code) == ("deaths", "invalid")
    meteor = ent.post("/safety/accidents/", {**form, "kind": "meteor"})
    assert (meteor.status_code, meteor.context["error"].field, meteor.context["error"].code) == (
        400,
        "kind",
        "unknown_choice",
    )
    r = ent.post("/safety/accidents/", {**form, "deaths": "1"})
    assert r.status_code == 302
    page = ent.get(r["Location"]).content.decode()
    assert "next report due in" in page and "兴隆化工" in page
    bad = ent.post(r["Location"], {"final": "0", "text": "伤者送医", "serious_injuries": "两"})
    assert (bad.status_code, bad.context["error"].field, bad.context["error"].code) == (
        400,
        "serious_injuries",
        "invalid",
    )
    assert ent.post(r["Location"], {"final": "0", "text": "伤者送医", "serious_injuries": "2"}).status_code == 302
    assert Accident.objects.get().serious_injuries == 2 and Accident.objects.get().incident.closed_at is None
    assert ent.post(r["Location"], {"final": "1", "text": "终报"}).status_code == 302
    assert Accident.objects.get().incident.closed_at is not None
    assert district.client(district.worker_b).get(r["Location"]).status_code == 404
    hq_incident = district.client(district.hq).get(f"/command/incidents/{Accident.objects.get().incident_id}/")
    assert "/safety/accidents/" in hq_incident.content.decode()


def test_the_accident_list_reads_in_a_constant_number_of_queries(client, district, safety, api_token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ent = api_token(safety["officer"])
    _report(client, ent, safety["plant"])
    client.get("/api/v1/safety/accidents", **ent)  # the token's memo is warm now
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/safety/accidents", **ent)
    for _ in range(3):
        _report(client, ent, safety["plant"])
    with CaptureQueriesContext(connection) as four:
        assert client.get("/api/v1/safety/accidents", **ent).json()["count"] == 4
    assert len(four.captured_queries) == len(one.captured_queries)
