"""A sampling site set up from the units sheet (issue 17, point 4): the unit is its team, the site is made."""

from __future__ import annotations

from fangkong.core.errors import Code
from fangkong.registry.models import Unit
from fangkong.registry.units import units_import
from fangkong.testing.models import Site

HEADER = "类型,编码,名称,所在辖区,地址,采样点类型,开放时间\n"


def test_a_sampling_row_makes_its_site(district):
    text = HEADER + f"采样点,SP-1,园丁社区采样点,{district.a.code},园丁路1号,发热门诊,8:00-20:00\n"
    result = units_import(actor=district.hq, filename="u.csv", content=text.encode())
    assert (result.created, result.rejected) == (1, [])
    site = Site.objects.get(unit__code="SP-1")
    assert (site.kind, site.hours, site.jpath, site.address) == (
        "fever_clinic",
        "8:00-20:00",
        district.a.path,
        "园丁路1号",
    )


def test_an_unknown_site_kind_rejects_the_row_and_leaves_no_unit(district):
    text = HEADER + f"采样点,SP-2,某采样点,{district.a.code},,露天,\n"
    result = units_import(actor=district.hq, filename="u.csv", content=text.encode())
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [(2, "site_kind", Code.UNKNOWN_CHOICE)]
    assert not Unit.objects.filter(code="SP-2").exists()


def test_a_sheet_without_the_site_kind_keeps_it_and_its_hours(district):
    units_import(
        actor=district.hq,
        filename="u.csv",
        content=(HEADER + f"采样点,SP-3,甲,{district.a.code},,发热门诊,全天\n").encode(),
    )
    units_import(
        actor=district.hq,
        filename="u.csv",
        content=f"类型,编码,名称,所在辖区\n采样点,SP-3,乙,{district.a.code}\n".encode(),
    )
    site = Site.objects.get(unit__code="SP-3")
    assert (site.name, site.kind, site.hours) == ("乙", "fever_clinic", "全天")


def test_the_unit_form_sets_a_sites_kind_and_hours(district):
    page = district.client(district.hq)
    form_page = page.get("/admin/units/").content.decode()
    assert 'name="site_kind"' in form_page and 'name="hours"' in form_page
    form = {
        "action": "save",
        "kind": "sampling",
        "code": "SP-9",
        "name": "园丁发热门诊采样点",
        "jurisdiction": district.a.code,
        "site_kind": "fever_clinic",
        "hours": "全天",
    }
    assert page.post("/admin/units/", form).status_code == 302
    site = Site.objects.get(unit__code="SP-9")
    assert (site.kind, site.hours) == ("fever_clinic", "全天")
    wrong = page.post("/admin/units/", {**form, "site_kind": "露天"})
    assert wrong.status_code == 400 and 'data-field="site_kind"' in wrong.content.decode()


def test_a_labs_capacity_from_the_sheet_and_the_form(district):
    """实验室产能: HQ sets a laboratory's tubes per hour on its unit; the pool plan reads it."""
    from fangkong.testing.models import LabCapacity
    from fangkong.testing.pool_plan import lab_capacity

    header = "类型,编码,名称,所在辖区,每小时检测管数\n"
    result = units_import(
        actor=district.hq,
        filename="u.csv",
        content=(header + f"实验室,LAB-9,第二实验室,{district.d.code},1500\n").encode(),
    )
    assert (result.created, result.rejected) == (1, [])
    assert LabCapacity.objects.get(unit__code="LAB-9").tubes_per_hour == 1500
    assert lab_capacity() == (1, 1500)
    # A sheet without the column keeps it; a bad value names the column and changes nothing.
    units_import(
        actor=district.hq,
        filename="u.csv",
        content=f"类型,编码,名称,所在辖区\n实验室,LAB-9,乙,{district.d.code}\n".encode(),
    )
    assert LabCapacity.objects.get(unit__code="LAB-9").tubes_per_hour == 1500
    bad = units_import(
        actor=district.hq, filename="u.csv", content=(header + f"实验室,LAB-9,乙,{district.d.code},很多\n").encode()
    )
    assert [(r["row"], r["field"], r["code"]) for r in bad.rejected] == [(2, "tubes_per_hour", Code.OUT_OF_RANGE)]
    page = district.client(district.hq)
    assert 'name="tubes_per_hour"' in page.get("/admin/units/").content.decode()
    form = {"action": "save", "kind": "lab", "code": "LAB-9", "name": "乙", "jurisdiction": district.d.code}
    assert page.post("/admin/units/", {**form, "tubes_per_hour": "2,400"}).status_code == 302
    assert LabCapacity.objects.get(unit__code="LAB-9").tubes_per_hour == 2400
    wrong = page.post("/admin/units/", {**form, "tubes_per_hour": "0"})
    assert wrong.status_code == 400 and 'data-field="tubes_per_hour"' in wrong.content.decode()
