"""Checklists: built in (the 15 measures for supervision; enterprise checklists by industry and risk), imports
versioned with whom they are for; duplicate codes refused with the row; an enterprise is offered what fits it. A
built-in corrected in code reaches a district as a new version unless the district made the checklist its own; an
import clears the industries or risks it fits only when sent empty."""

from __future__ import annotations

import io
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangkong.conftest import make_user
from fangkong.core.models import AuditEvent
from fangkong.registry.models import Unit
from fangkong.safety import checklists
from fangkong.safety.builtin_checklists import all_builtins
from fangkong.safety.builtin_checklists.special import CONFINED_SPACES, DUST_EXPLOSION, FIRE
from fangkong.safety.checklists import (
    STATE_COUNCIL,
    builtin_digest,
    builtin_newer,
    checklist_import,
    checklists_for,
    ensure_builtin_checklists,
    ensure_checklist,
)
from fangkong.safety.inspections import inspection_record, inspection_start
from fangkong.safety.labels import INDUSTRIES, SPECIAL_RISKS
from fangkong.safety.models import Checklist, ChecklistItem, EnterpriseProfile, InspectionResult

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


# ---------------------------------------------------------------- built-ins corrected in code


def _corrected(builtin, text: str):
    """The built-in as a later release says it: its first item reworded."""
    (section, rows), *rest = builtin.sections
    return replace(builtin, sections=((section, ((rows[0][0], text), *rows[1:])), *rest))


def _release(monkeypatch, corrected) -> None:
    """A deployment whose code carries `corrected` in place of the built-in of its code."""
    others = [b for b in all_builtins() if b.code != corrected.code]
    monkeypatch.setattr(checklists, "all_builtins", lambda: [*others, corrected])


def _import(actor, code: str, **given):
    sheet = _sheet([["1", "本区自定：消防通道畅通", "消防", "一般"]])
    return checklist_import(actor=actor, code=code, name="", filename="r.xlsx", content=sheet, **given)


def test_a_corrected_built_in_reaches_a_district_that_has_not_changed_it(district, safety, monkeypatch):
    written = ensure_checklist("fire-safety")
    old_items = list(written.items.values_list("pk", "text"))
    first = written.items.get(order=1)
    inspection = inspection_start(actor=safety["regulator"], enterprise_id=safety["plant"].pk, checklist_id=written.pk)
    inspection_record(
        actor=safety["regulator"], inspection_id=inspection.pk, item_id=first.pk, passed=False, note="混存"
    )
    fixed = _corrected(FIRE, "生产、储存、经营易燃易爆危险品的场所与人员密集场所、居住场所不设在同一建筑物内")
    _release(monkeypatch, fixed)

    made = ensure_builtin_checklists()  # the next migrate
    now = made["fire-safety"]
    assert (now.version, now.imported_by) == (written.version + 1, None)
    assert now.items.get(order=1).text == fixed.sections[0][1][0][1]
    assert now.builtin_digest == builtin_digest(fixed) and not builtin_newer(now)
    # Never a rewrite: the inspection walked the version it started with and its answer keeps the item's words.
    assert list(written.items.values_list("pk", "text")) == old_items
    result = InspectionResult.objects.get(inspection=inspection)
    assert (result.item_id, result.item.text, result.inspection.checklist_id) == (first.pk, first.text, written.pk)
    plant = Unit.objects.select_related("safety_profile").get(pk=safety["plant"].pk)
    assert now in checklists_for(plant)[0]  # new inspections walk the corrected version
    assert AuditEvent.objects.filter(action="safety.checklist_builtin", object_id=str(now.pk)).count() == 1
    assert ensure_builtin_checklists() == made  # once: the migrate after adds nothing
    # The measures and the other built-ins, unchanged in code, stay as they were.
    assert {c.code for c in made.values() if c.version > 1} == {"fire-safety"}


def test_a_district_s_own_version_is_kept_and_told_of_a_newer_built_in(
    client, district, safety, api_token, monkeypatch
):
    ensure_checklist("fire-safety")
    own = _import(safety["regulator"], "fire-safety")
    assert not builtin_newer(own)  # made knowing the built-in as it is
    _release(monkeypatch, _corrected(FIRE, "人员密集场所安全出口、疏散通道畅通"))

    assert ensure_builtin_checklists()["fire-safety"] == own  # kept: no version written over the district's
    assert builtin_newer(own) and Checklist.objects.filter(code="fire-safety").count() == 2
    api = client.get("/api/v1/safety/checklists", **api_token(safety["regulator"])).json()
    listed = {(c["code"], c["version"]): c for c in api}
    assert listed[("fire-safety", own.version)]["builtin_newer"] is True
    assert listed[("dust-explosion", 1)]["builtin_newer"] is False
    page = district.client(safety["regulator"]).get("/safety/checklists/").content.decode()
    assert "人员密集场所安全出口、疏散通道畅通" in page  # what the built-in says now, for the district to decide

    again = _import(safety["regulator"], "fire-safety")  # the district decides: its next version, made knowing it
    assert not builtin_newer(again) and ensure_builtin_checklists()["fire-safety"] == again


def test_a_version_changed_where_it_is_stored_is_the_district_s_own(district, monkeypatch):
    written = ensure_checklist("confined-spaces")
    ChecklistItem.objects.filter(checklist=written, order=2).update(text="本区修改的条款")
    fixed = _corrected(CONFINED_SPACES, "对有限空间进行辨识，确定有限空间的数量、位置及危险有害因素，建立安全管理台账")
    _release(monkeypatch, fixed)

    assert ensure_builtin_checklists()["confined-spaces"] == written
    assert written.items.get(order=2).text == "本区修改的条款" and builtin_newer(written)


def test_versions_written_before_digests_are_taken_as_unchanged(district, safety, monkeypatch):
    # Written by the release before this one: no digest; the one unchanged since is brought up to date.
    dust = ensure_checklist("dust-explosion")
    Checklist.objects.filter(pk=dust.pk).update(builtin_digest="")
    assert ensure_builtin_checklists()["dust-explosion"] == dust  # says what the built-in says: nothing to write
    dust.refresh_from_db()
    assert dust.builtin_digest == builtin_digest(DUST_EXPLOSION)
    Checklist.objects.filter(pk=dust.pk).update(builtin_digest="")
    ChecklistItem.objects.filter(checklist=dust, order=1).update(text="旧版本的措辞")  # what the old release said
    assert ensure_builtin_checklists()["dust-explosion"].version == dust.version + 1
    # A district's own version imported before: it replaced the built-in its platform-written version came from.
    ensure_checklist("fire-safety")
    own = _import(safety["regulator"], "fire-safety")
    Checklist.objects.filter(pk=own.pk).update(builtin_digest="")
    _release(monkeypatch, _corrected(FIRE, "甲、乙类生产场所和仓库不设在地下或半地下"))
    assert ensure_builtin_checklists()["fire-safety"] == own
    own.refresh_from_db()
    assert own.builtin_digest == builtin_digest(FIRE) and builtin_newer(own)


# ---------------------------------------------------------------- what an import fits


def test_an_import_clears_industries_and_risks_only_when_sent_empty(client, district, safety, api_token):
    reg = api_token(safety["regulator"])
    ok = _sheet([["1", "液氨储罐压力表检定", "危化", "重大"]])
    url = "/api/v1/safety/checklists/district-ammonia:import"

    def post(**given):
        r = client.post(url, {**given, "file": SimpleUploadedFile("r.xlsx", ok)}, **reg)
        assert r.status_code == 201, r.content
        return r.json()["industries"], r.json()["risks"]

    assert post(industries=["商贸"], risks=["ammonia"]) == (["商贸"], ["ammonia"])
    assert post() == (["商贸"], ["ammonia"])  # left out: the previous version's
    assert post(industries="") == ([], ["ammonia"])  # sent empty: cleared
    assert post(industries=["商贸"]) == (["商贸"], ["ammonia"])
    assert post(risks="") == (["商贸"], [])
    assert post(industries="", risks="") == ([], [])  # now for every enterprise
    checklist = Checklist.objects.filter(code="district-ammonia").order_by("-version").first()
    assert checklist is not None and (checklist.industries, checklist.risks) == ([], [])
    plant = Unit.objects.select_related("safety_profile").get(pk=safety["plant"].pk)
    assert checklist in checklists_for(plant)[0]
    # The page's form: the "none" box sends the field empty; nothing ticked keeps the previous version's.
    page = district.client(safety["regulator"])
    form = {"code": "district-ammonia", "industries": ["商贸"], "file": SimpleUploadedFile("r.xlsx", ok)}
    assert page.post("/safety/checklists/", form).status_code == 302
    form = {"code": "district-ammonia", "file": SimpleUploadedFile("r.xlsx", ok)}
    assert page.post("/safety/checklists/", form).status_code == 302
    assert Checklist.objects.filter(code="district-ammonia").order_by("-version").first().industries == ["商贸"]
    form = {"code": "district-ammonia", "industries": "", "file": SimpleUploadedFile("r.xlsx", ok)}
    assert page.post("/safety/checklists/", form).status_code == 302
    assert Checklist.objects.filter(code="district-ammonia").order_by("-version").first().industries == []
