"""Hazards from finding to closure, each step by its role; the five assurances; no closing without acceptance;
scope and responsibility."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.core.tests import files
from fangkong.registry.models import Unit

JSON = "application/json"
FIVE = {
    "responsibility": "厂长张某",
    "measures": "更换阀门",
    "funds": "12万元",
    "time_limit": "7天",
    "contingency": "停产疏散预案",
}


def _create(client, token, enterprise, grade="major"):
    return client.post(
        "/api/v1/safety/hazards",
        {
            "enterprise_id": enterprise.pk,
            "grade": grade,
            "description": "液氨储罐阀门锈蚀",
            "deadline": (clock.now() + timedelta(days=7)).isoformat(),
        },
        content_type=JSON,
        **token,
    )


def _move(client, token, hid, to, **fields):
    return client.post(
        f"/api/v1/safety/hazards/{hid}/transition",
        {"to": to, **fields},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
        **token,
    )


def test_a_major_hazard_through_its_closed_loop(client, district, safety, api_token):
    reg, ent = api_token(safety["regulator"]), api_token(safety["officer"])
    r = _create(client, reg, safety["plant"])
    assert r.status_code == 201 and r.json()["state"] == "found"
    hid = r.json()["id"]
    assert _move(client, reg, hid, "registered").json()["state"] == "registered"
    assert _move(client, ent, hid, "ordered").status_code == 403  # the regulator orders
    assert _move(client, reg, hid, "ordered").json()["state"] == "ordered"
    no_five = _move(client, ent, hid, "rectifying", assurances={"responsibility": "厂长张某"})
    assert no_five.status_code == 400 and "five assurances" in no_five.json()["detail"]
    assert _move(client, reg, hid, "rectifying", assurances=FIVE).status_code == 403  # the enterprise rectifies
    assert _move(client, ent, hid, "rectifying", assurances=FIVE).json()["state"] == "rectifying"
    early = _move(client, reg, hid, "closed")
    assert early.status_code == 400 and "re-inspection" in early.json()["detail"]
    assert _move(client, ent, hid, "applied").json()["state"] == "applied"
    assert _move(client, ent, hid, "accepted").status_code == 403
    back = _move(client, reg, hid, "rectifying", note="复查未通过：阀门未更换")
    assert back.json()["state"] == "rectifying"
    _move(client, ent, hid, "applied")
    assert _move(client, reg, hid, "accepted").json()["state"] == "accepted"
    assert _move(client, reg, hid, "closed").json()["state"] == "closed"
    actions = set(AuditEvent.objects.filter(object_type="safety.hazard").values_list("action", flat=True))
    assert {"hazard.found", "hazard.ordered", "hazard.rectifying", "hazard.accepted", "hazard.closed"} <= actions


def test_self_inspection_general_hazard_without_an_order(client, district, safety, api_token):
    ent = api_token(safety["officer"])
    hid = _create(client, ent, safety["plant"], grade="general").json()["id"]
    _move(client, ent, hid, "registered")
    assert _move(client, ent, hid, "rectifying").json()["state"] == "rectifying"
    major = _create(client, ent, safety["plant"]).json()["id"]
    _move(client, ent, major, "registered")
    refused = _move(client, ent, major, "rectifying", assurances=FIVE)
    assert refused.status_code == 400 and "order" in refused.json()["detail"]


def test_overdue_and_review_flags_from_the_clock(client, district, safety, api_token):
    reg, ent = api_token(safety["regulator"]), api_token(safety["officer"])
    hid = _create(client, reg, safety["plant"], grade="general").json()["id"]
    for who, to in ((reg, "registered"), (reg, "ordered"), (ent, "rectifying"), (ent, "applied")):
        _move(client, who, hid, to)
    from fangkong.safety.hazards import flags
    from fangkong.safety.models import Hazard

    h = Hazard.objects.get(pk=hid)
    assert flags(h) == {"overdue": False, "review_overdue": False}
    assert flags(h, clock.now() + timedelta(days=11)) == {"overdue": True, "review_overdue": True}


def test_scope_and_responsibility(client, district, safety, api_token):
    assert client.get("/api/v1/safety/enterprises", **api_token(safety["regulator"])).json()["count"] == 1
    assert client.get("/api/v1/safety/enterprises", **api_token(district.hq)).json()["count"] == 2
    assert client.get("/api/v1/safety/enterprises", **api_token(safety["other_officer"])).json()["count"] == 1
    assert client.get("/api/v1/safety/enterprises", **api_token(district.worker_b)).json()["count"] == 0
    resp = client.get(
        f"/api/v1/safety/enterprises/{safety['plant'].pk}/responsibility", **api_token(district.hq)
    ).json()
    assert resp["supervising"] == ["区应急管理局"] and resp["approving"] == ["区应急管理局"]
    food = client.get(f"/api/v1/safety/enterprises/{safety['other'].pk}/responsibility", **api_token(district.hq))
    assert food.json()["supervising"] == ["区市场监管局"]
    assert (
        client.get(
            f"/api/v1/safety/enterprises/{safety['plant'].pk}/responsibility", **api_token(safety["other_officer"])
        ).status_code
        == 404
    )
    outsider = _create(client, api_token(safety["other_officer"]), safety["plant"])
    assert outsider.status_code == 404


def test_bad_hazards(client, district, safety, api_token):
    reg = api_token(safety["regulator"])
    past = client.post(
        "/api/v1/safety/hazards",
        {
            "enterprise_id": safety["plant"].pk,
            "grade": "major",
            "description": "隐患描述",
            "deadline": (clock.now() - timedelta(days=1)).isoformat(),
        },
        content_type=JSON,
        **reg,
    )
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "deadline"
    grade = client.post(
        "/api/v1/safety/hazards",
        {
            "enterprise_id": safety["plant"].pk,
            "grade": "huge",
            "description": "隐患描述",
            "deadline": (clock.now() + timedelta(days=1)).isoformat(),
        },
        content_type=JSON,
        **reg,
    )
    assert grade.status_code == 400 and grade.json()["errors"][0]["field"] == "grade"


def test_statistics(client, district, safety, api_token):
    reg = api_token(safety["regulator"])
    for grade in ("major", "general"):
        _create(client, reg, safety["plant"], grade=grade)
    s = client.get("/api/v1/safety/hazards/statistics", **api_token(district.hq)).json()
    assert s["total"] == 2 and s["rectification_rate"] == 0 and s["overdue"] == 0
    assert {(r["grade"], r["state"], r["n"]) for r in s["by_grade_state"]} == {
        ("general", "found", 1),
        ("major", "found", 1),
    }
    assert s["by_street"][0]["street"] == "新工街道"
    assert client.get("/api/v1/safety/hazards/statistics", **api_token(district.worker_b)).status_code == 403


def test_registry_matrix_listing_and_photos(client, district, safety, api_token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ent, reg, hq = api_token(safety["officer"]), api_token(safety["regulator"]), api_token(district.hq)
    p = client.put(
        f"/api/v1/safety/enterprises/{safety['plant'].pk}/profile",
        {"principal": "张某", "special_risks": ["hazardous_chemicals", "ammonia"]},
        content_type=JSON,
        **ent,
    )
    assert p.status_code == 200
    assert (
        client.put(
            f"/api/v1/safety/enterprises/{safety['other'].pk}/profile", {"principal": "x"}, content_type=JSON, **ent
        ).status_code
        == 404
    )
    dept = Unit.objects.get(code="SJ")
    assert (
        client.post(
            f"/api/v1/safety/enterprises/{safety['plant'].pk}/licences",
            {"kind": "食品经营许可证", "approved_by_id": dept.pk},
            content_type=JSON,
            **reg,
        ).status_code
        == 201
    )
    assert (
        client.put(
            "/api/v1/safety/industries/危险化学品", {"department_id": dept.pk}, content_type=JSON, **reg
        ).status_code
        == 403
    )  # district HQ sets the matrix
    assert (
        client.put("/api/v1/safety/industries/危险化学品", {"department_id": dept.pk}, content_type=JSON, **hq).json()[
            "department"
        ]
        == "区市场监管局"
    )
    hid = _create(client, reg, safety["plant"]).json()["id"]
    listed = client.post(
        f"/api/v1/safety/hazards/{hid}/listed", {"note": "兴安委〔2022〕3号"}, content_type=JSON, **reg
    )
    assert listed.status_code == 200
    assert (
        client.post(f"/api/v1/safety/hazards/{hid}/listed", {"note": "x"}, content_type=JSON, **ent).status_code == 403
    )
    photo = client.post(
        f"/api/v1/safety/hazards/{hid}/photos",
        {"stage": "before", "photo": SimpleUploadedFile("b.jpg", files.jpeg())},
        **ent,
    )
    assert photo.status_code == 201
