"""The work-safety set-up pages: enterprises (profile by their officer or regulator, licences by the regulator),
the industry → department matrix (district HQ), and checklists imported from a sheet (regulators)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.registry.models import Unit
from fangkong.safety.models import Checklist, EnterpriseProfile, IndustryDepartment, Licence


def test_enterprises_listed_within_reach_with_their_open_hazards(district, safety):
    officer = district.client(safety["officer"]).get("/safety/enterprises/").content.decode()
    assert "兴隆化工" in officer and "胜利食品" not in officer
    regulator = district.client(safety["regulator"]).get("/safety/enterprises/?q=兴隆").content.decode()
    assert "兴隆化工" in regulator
    assert district.client(district.worker_b).get(f"/safety/enterprises/{safety['plant'].pk}/").status_code == 404
    assert district.client(safety["other_officer"]).get(f"/safety/enterprises/{safety['plant'].pk}/").status_code == 404


def test_the_officer_keeps_the_profile_and_bad_choices_are_named(district, safety):
    page = district.client(safety["officer"])
    url = f"/safety/enterprises/{safety['plant'].pk}/"
    text = page.get(url).content.decode()
    assert "区应急管理局" in text and "危险化学品经营许可证" in text  # who supervises it and its licence
    saved = page.post(
        url,
        {
            "action": "profile",
            "industry": "危险化学品",
            "size": "中型",
            "principal": "李某",
            "special_risks": ["hazardous_chemicals", "confined_spaces"],
        },
        follow=True,
    )
    assert "Profile saved" in saved.content.decode()
    profile = EnterpriseProfile.objects.get(unit=safety["plant"])
    assert (profile.size, profile.principal, profile.special_risks) == (
        "中型",
        "李某",
        ["hazardous_chemicals", "confined_spaces"],
    )
    bad = page.post(url, {"action": "profile", "special_risks": ["hazardous_chemicals", "volcanoes"]})
    assert bad.status_code == 400 and (bad.context["error"].field, bad.context["error"].row) == ("special_risks", 1)
    assert bad.context["error"].code == "unknown_choice"
    size = page.post(url, {"action": "profile", "size": "巨型"})
    assert (size.context["error"].field, size.context["error"].code) == ("size", "unknown_choice")
    assert EnterpriseProfile.objects.get(unit=safety["plant"]).size == "中型"  # nothing half-written
    # The officer records no licence: that is the regulator's.
    dept = Unit.objects.get(code="SJ")
    refused = page.post(url, {"action": "licence", "kind": "自封许可", "approved_by_id": dept.pk})
    assert refused.status_code == 400 and refused.context["error"].code == "forbidden"
    assert not Licence.objects.filter(kind="自封许可").exists()


def test_the_regulator_records_a_licence_and_an_expired_one_shows(district, safety):
    page = district.client(safety["regulator"])
    url = f"/safety/enterprises/{safety['plant'].pk}/"
    dept = Unit.objects.get(code="SJ")
    missing = page.post(url, {"action": "licence", "kind": "", "approved_by_id": dept.pk})
    assert (missing.context["error"].field, missing.context["error"].code) == ("kind", "required")
    lapsed = (clock.localdate() - timedelta(days=1)).isoformat()
    done = page.post(
        url,
        {
            "action": "licence",
            "kind": "食品经营许可证",
            "number": "JY123",
            "approved_by_id": dept.pk,
            "valid_until": lapsed,
        },
        follow=True,
    )
    text = done.content.decode()
    assert "食品经营许可证 recorded" in text and "(expired)" in text
    assert AuditEvent.objects.filter(action="safety.licence").exists()


def test_district_hq_keeps_the_industry_matrix(district, safety):
    dept = Unit.objects.get(code="YJ")
    regulator = district.client(safety["regulator"])
    assert "Food processing" in regulator.get("/safety/industries/").content.decode()  # 食品, by its label
    refused = regulator.post("/safety/industries/", {"industry": "冶金", "department_id": dept.pk})
    assert refused.status_code == 400 and refused.context["error"].code == "forbidden"
    hq = district.client(district.hq)
    unknown = hq.post("/safety/industries/", {"industry": "冶金", "department_id": safety["plant"].pk})
    assert (unknown.context["error"].field, unknown.context["error"].code) == ("department_id", "not_found")
    done = hq.post("/safety/industries/", {"industry": "冶金", "department_id": dept.pk}, follow=True)
    assert "Metallurgy: supervised by 区应急管理局" in done.content.decode()  # a known industry by its label
    assert IndustryDepartment.objects.get(industry="冶金").department == dept
    assert district.client(district.worker_b).get("/safety/industries/").status_code == 404


def test_a_regulator_imports_a_checklist_on_its_page(district, safety):
    page = district.client(safety["regulator"])
    assert "国务院安全生产十五条措施" in page.get("/safety/checklists/").content.decode()
    sheet = "编号,检查内容,类别,隐患等级\n1,液氨储罐安全阀定期校验,设备,重大\n1,重复,设备,一般\n".encode()
    dup = page.post(
        "/safety/checklists/",
        {"code": "ammonia", "name": "涉氨制冷检查表", "file": SimpleUploadedFile("a.csv", sheet)},
    )
    error = dup.context["error"]
    assert dup.status_code == 400 and (error.field, error.row, error.code) == ("code", 3, "duplicate")
    assert not Checklist.objects.filter(code="ammonia").exists()
    good = "编号,检查内容,类别,隐患等级\n1,液氨储罐安全阀定期校验,设备,重大\n2,应急预案演练,管理,一般\n".encode()
    done = page.post(
        "/safety/checklists/",
        {
            "code": "ammonia",
            "name": "涉氨制冷检查表",
            "industries": ["冷库（涉氨制冷）"],
            "risks": ["ammonia"],
            "file": SimpleUploadedFile("a.csv", good),
        },
        follow=True,
    )
    assert "涉氨制冷检查表 version 1 imported: 2 items" in done.content.decode()
    made = Checklist.objects.get(code="ammonia")
    assert (made.audience, made.industries, made.risks) == ("enterprise", ["冷库（涉氨制冷）"], ["ammonia"])
    # Named and said what it fits, never shown by its code.
    assert "For Cold storage (ammonia refrigeration) · Ammonia refrigeration" in done.content.decode()
    assert "state-council-15" not in done.content.decode().split('<datalist id="c-codes">')[0]
    officer = district.client(safety["officer"]).get("/safety/checklists/").content.decode()
    assert "涉氨制冷检查表" in officer and 'name="file"' not in officer  # an enterprise reads, does not import
    assert district.client(district.worker_b).get("/safety/checklists/").status_code == 404


def test_the_checklists_page_reads_their_items_at_once(district, safety, django_assert_max_num_queries):
    from fangkong.safety.models import ChecklistItem

    for n in range(3):
        c = Checklist.objects.create(code=f"list-{n}", name=f"清单{n}")
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=c, code=str(i), text=f"条目{i}", order=i) for i in range(5)
        )
    page = district.client(safety["regulator"])
    page.get("/safety/checklists/")  # sessions and roles warmed
    with django_assert_max_num_queries(8):  # not one more per checklist
        assert "清单2" in page.get("/safety/checklists/").content.decode()


def test_the_safety_tabs_mark_the_page_one_is_on(district, safety):
    client = district.client(safety["regulator"])
    for path in ("/safety/checklists/", "/safety/enterprises/", "/safety/"):
        page = client.get(path).content.decode()
        tabs = page.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
        assert f'<a href="{path}" aria-current="page">' in tabs and tabs.count("aria-current") == 1
