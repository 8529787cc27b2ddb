"""Checklists: built in (the 15 measures for supervision; enterprise checklists by industry and risk), imports
versioned with whom they are for; duplicate codes refused with the row; an enterprise is offered what fits it."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangkong.conftest import make_user
from fangkong.registry.models import Unit
from fangkong.safety.builtin_checklists import all_builtins
from fangkong.safety.checklists import STATE_COUNCIL, checklists_for, ensure_builtin_checklists
from fangkong.safety.labels import INDUSTRIES, SPECIAL_RISKS
from fangkong.safety.models import Checklist, EnterpriseProfile

JSON = "application/json"


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "检查内容", "类别", "隐患等级"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_built_in_checklists_are_written_once_and_say_what_they_fit(db):
    made = ensure_builtin_checklists()
    assert ensure_builtin_checklists() == made  # written once: a second run (the next migrate) adds nothing
    measures = made[STATE_COUNCIL]
    assert measures.audience == "supervision" and measures.items.count() == 15
    industries, risks = {k for k, _l in INDUSTRIES}, {k for k, _l in SPECIAL_RISKS}
    codes = {b.code for b in all_builtins()}
    assert {"gm-metallurgy", "gm-commerce", "fire-safety", "hazardous-chemicals", "confined-spaces"} <= codes
    assert "dust-explosion" in codes
    for builtin in all_builtins():
        checklist = made[builtin.code]
        items = list(checklist.items.all())
        assert checklist.audience == "enterprise", builtin.code
        assert 10 <= len(items) <= 25, (builtin.code, len(items))
        assert all(i.category for i in items) and len({i.category for i in items}) >= 2, builtin.code
        assert {i.severity for i in items} == {"general", "major"}, builtin.code
        assert set(checklist.industries) <= industries and set(checklist.risks) <= risks, builtin.code
        assert len({i.text for i in items}) == len(items), builtin.code
    assert made["fire-safety"].industries == [] and made["fire-safety"].risks == []  # every enterprise's


def test_an_enterprise_is_offered_the_checklists_of_its_industry_and_risks(district, safety):
    made = ensure_builtin_checklists()
    plant = Unit.objects.select_related("safety_profile").get(pk=safety["plant"].pk)  # 危险化学品
    fitting, others = checklists_for(plant)
    codes = [c.code for c in fitting]
    assert codes[0] == "hazardous-chemicals" and "fire-safety" in codes
    assert "confined-spaces" not in codes and "gm-metallurgy" not in codes
    assert STATE_COUNCIL not in codes + [c.code for c in others]  # never at an enterprise
    assert {c.code for c in others} == {c.code for c in made.values() if c.audience == "enterprise"} - set(codes)
    EnterpriseProfile.objects.filter(unit=plant).update(special_risks=["confined_spaces", "dust"])
    plant = Unit.objects.select_related("safety_profile").get(pk=plant.pk)
    codes = [c.code for c in checklists_for(plant)[0]]
    assert {"confined-spaces", "dust-explosion", "hazardous-chemicals", "fire-safety"} == set(codes)
    food = Unit.objects.select_related("safety_profile").get(pk=safety["other"].pk)  # 食品: light industry
    assert [c.code for c in checklists_for(food)[0]] == ["gm-light-industry", "fire-safety"]
    bare = Unit.objects.create(kind="enterprise", name="无档案企业", code="E9", jurisdiction=district.a, jpath="x/")
    assert [c.code for c in checklists_for(bare)[0]] == ["fire-safety"]


def test_built_in_measures_and_versioned_imports(client, district, api_token):
    dept = Unit.objects.create(
        kind="department", name="区应急管理局", code="YJ", jurisdiction=district.d, jpath=district.d.path
    )
    reg = api_token(make_user("reg", "safety_regulator", unit=dept))
    lists = {c["code"]: c for c in client.get("/api/v1/safety/checklists", **reg).json()}
    assert lists[STATE_COUNCIL]["items"] == 15 and lists[STATE_COUNCIL]["audience"] == "supervision"
    assert lists["gm-commerce"]["industries"] == ["商贸", "冷库（涉氨制冷）"] and lists["gm-commerce"]["risks"] == [
        "ammonia"
    ]
    ok = _sheet([["1", "消防通道畅通", "消防", "一般"], ["2", "液氨储罐压力表检定", "危化", "重大"]])
    r = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"name": "区85条", "industries": ["冷库（涉氨制冷）", "商贸"], "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["items"] == 2
    assert (r.json()["audience"], r.json()["industries"], r.json()["risks"]) == (
        "enterprise",
        ["冷库（涉氨制冷）", "商贸"],
        [],
    )
    again = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"name": "区85条", "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    assert again.json()["version"] == 2 and again.json()["industries"] == ["冷库（涉氨制冷）", "商贸"]  # kept
    unknown = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"industries": ["商贸", "火山"], "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    error = unknown.json()["errors"][0]
    assert (unknown.status_code, error["field"], error["row"], error["code"]) == (
        400,
        "industries",
        1,
        "unknown_choice",
    )
    audience = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"audience": "everyone", "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    assert (audience.status_code, audience.json()["code"]) == (400, "unknown_choice")
    dup = _sheet([["1", "甲", "", "一般"], ["1", "乙", "", "一般"]])
    bad = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"file": SimpleUploadedFile("d.xlsx", dup)},
        HTTP_ACCEPT_LANGUAGE="en",
        **reg,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 3 and bad.json()["code"] == "duplicate"
    assert Checklist.objects.filter(code="district-85").count() == 2
    assert (
        client.post(
            "/api/v1/safety/checklists/x:import",
            {"file": SimpleUploadedFile("r.xlsx", ok)},
            **api_token(district.worker_a),
        ).status_code
        == 403
    )


def test_the_measures_are_never_walked_at_an_enterprise(client, district, safety, api_token):
    from datetime import date

    import pytest

    from fangkong.core.errors import FieldError
    from fangkong.safety.inspections import plan_create

    measures = ensure_builtin_checklists()[STATE_COUNCIL]
    r = client.post(
        "/api/v1/safety/inspections",
        {"enterprise_id": safety["plant"].pk, "checklist_id": measures.pk},
        content_type=JSON,
        **api_token(safety["regulator"]),
    )
    assert (r.status_code, r.json()["errors"][0]["field"], r.json()["code"]) == (
        400,
        "checklist_id",
        "not_for_enterprises",
    )
    with pytest.raises(FieldError) as exc:
        plan_create(
            actor=safety["regulator"],
            name="大检查",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 31),
            checklist_id=measures.pk,
            assignments=[(safety["plant"].pk, safety["regulator"].pk)],
        )
    assert (exc.value.field, exc.value.code) == ("checklist_id", "not_for_enterprises")
