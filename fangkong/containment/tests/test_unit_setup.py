"""An isolation site set up from the units sheet (issue 17, point 4): its beds required, kept in step."""

from __future__ import annotations

import pytest

from fangkong.containment.models import IsolationSite
from fangkong.core.errors import Code
from fangkong.registry.models import Unit
from fangkong.registry.units import units_import

HEADER = "类型,编码,名称,所在辖区,地址,床位,隔离点类型\n"


def test_an_isolation_row_makes_the_site_with_its_beds(district):
    text = HEADER + f"隔离点,ISO-1,兴隆宾馆,{district.d.code},兴隆大街1号,120,集中隔离点\n"
    result = units_import(actor=district.hq, filename="u.csv", content=text.encode())
    assert (result.created, result.rejected) == (1, [])
    site = IsolationSite.objects.get(unit__code="ISO-1")
    assert (site.capacity, site.kind, site.address) == (120, "isolation", "兴隆大街1号")
    more = units_import(actor=district.hq, filename="u.csv", content=text.replace(",120,", ",150,").encode())
    assert more.updated == 1
    site.refresh_from_db()
    assert site.capacity == 150


@pytest.mark.parametrize(("beds", "code"), [("", Code.REQUIRED), ("0", Code.OUT_OF_RANGE), ("十", Code.OUT_OF_RANGE)])
def test_beds_are_required_and_a_whole_number(district, beds, code):
    text = HEADER + f"隔离点,ISO-2,某隔离点,{district.d.code},,{beds},\n"
    result = units_import(actor=district.hq, filename="u.csv", content=text.encode())
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [(2, "capacity", code)]
    assert not Unit.objects.filter(code="ISO-2").exists()


def test_a_sheet_without_the_beds_keeps_them_and_the_kind(district):
    text = HEADER + f"隔离点,ISO-3,某医院,{district.d.code},,40,定点医院\n"
    units_import(actor=district.hq, filename="u.csv", content=text.encode())
    renamed = "类型,编码,名称,所在辖区\n" + f"隔离点,ISO-3,某定点医院,{district.d.code}\n"
    result = units_import(actor=district.hq, filename="u.csv", content=renamed.encode())
    assert result.rejected == []
    site = IsolationSite.objects.get(unit__code="ISO-3")
    assert (site.name, site.capacity, site.kind) == ("某定点医院", 40, "hospital")
