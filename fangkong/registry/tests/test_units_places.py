"""Units and places from sheets (issue 17, points 3 and 4), and the roster's household columns: each bad row named
with its column, a re-import changes nothing, reach is kept."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from fangkong.conftest import make_id_number
from fangkong.core.errors import Code
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.registry.importing import people_import
from fangkong.registry.models import Person, Place, Unit
from fangkong.registry.places import places_import
from fangkong.registry.units import units_import


def credit_code(n: int) -> str:
    first17 = f"91211103MA0Y{n:05d}"
    return first17 + uscc.calc_check_digit(first17)


UNITS_HEADER = "类型,编码,名称,所在辖区,主管部门,统一社会信用代码,地址,经度,纬度\n"


def _units(user, text: str):
    return units_import(actor=user, filename="units.csv", content=text.encode())


def _rejected(result) -> list[tuple[int, str, str]]:
    return [(r["row"], r["field"], r["code"]) for r in result.rejected]


def test_units_are_created_with_their_department_even_from_the_same_sheet(district):
    text = UNITS_HEADER + (
        f"企业,E-001,兴盛化工有限公司,{district.a.code},D-AJ,{credit_code(1)},兴盛路1号,121.98,41.12\n"
        f"部门,D-AJ,区应急管理局,{district.d.code},,,,,\n"
        f"学校,S-001,兴盛小学,{district.a.code},,,,,\n"
    )
    result = _units(district.hq, text)
    assert (result.created, result.rejected) == (3, [])
    enterprise = Unit.objects.get(code="E-001")
    assert enterprise.supervising_department.code == "D-AJ"
    assert (enterprise.jpath, enterprise.uscc, enterprise.lon) == (district.a.path, credit_code(1), 121.98)
    again = _units(district.hq, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    moved = _units(district.hq, text.replace(f"兴盛小学,{district.a.code}", f"兴盛二小,{district.b.code}"))
    assert (moved.updated, moved.unchanged) == (1, 2)
    school = Unit.objects.get(code="S-001")
    assert (school.name, school.jpath) == ("兴盛二小", district.b.path)
    assert AuditEvent.objects.filter(action="unit.update", object_id=str(school.pk)).exists()


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ("企业,E-9,甲公司,{a},,91211103MA0Y000010,,,", "uscc", Code.INVALID),  # wrong check character
        ("企业,E-9,甲公司,{a},,,,,", "uscc", Code.REQUIRED),
        ("工厂,E-9,甲公司,{a},,,,,", "kind", Code.UNKNOWN_CHOICE),
        ("学校,E 9,甲学校,{a},,,,,", "code", Code.INVALID),
        ("学校,E-9,,{a},,,,,", "name", Code.REQUIRED),
        ("学校,E-9,甲学校,999,,,,,", "jurisdiction", Code.NOT_FOUND),
        ("学校,E-9,甲学校,{a},D-NONE,,,,", "department", Code.NOT_FOUND),
        ("学校,E-9,甲学校,{a},,,,200,41", "lon", Code.OUT_OF_RANGE),
        ("学校,E-9,甲学校,{a},,,,121.9,", "lon", Code.INVALID),
    ],
)
def test_a_bad_unit_row_is_named_and_nothing_of_it_written(district, line, field, code):
    result = _units(district.hq, UNITS_HEADER + line.format(a=district.a.code) + "\n")
    assert _rejected(result) == [(2, field, code)]
    assert not Unit.objects.filter(code="E-9").exists()


def test_a_credit_code_is_one_units_and_a_kind_does_not_change(district):
    _units(district.hq, UNITS_HEADER + f"企业,E-1,甲公司,{district.a.code},,{credit_code(7)},,,\n")
    result = _units(
        district.hq,
        UNITS_HEADER
        + f"企业,E-2,乙公司,{district.a.code},,{credit_code(7)},,,\n学校,E-1,甲公司,{district.a.code},,,,,\n",
    )
    assert _rejected(result) == [(2, "uscc", Code.DUPLICATE), (3, "kind", Code.INVALID)]


def test_a_street_officer_sets_up_units_in_their_street_only(district):
    text = UNITS_HEADER + f"学校,S-A,甲学校,{district.a.code},,,,,\n学校,S-B,乙学校,{district.b.code},,,,,\n"
    result = _units(district.street1, text)
    assert result.created == 1 and _rejected(result) == [(3, "jurisdiction", Code.FORBIDDEN)]
    # A unit beyond reach keeps its place even when a sheet within reach names its code.
    _units(district.hq, UNITS_HEADER + f"学校,S-C,丙学校,{district.b.code},,,,,\n")
    result = _units(district.street1, UNITS_HEADER + f"学校,S-C,丙学校,{district.a.code},,,,,\n")
    assert _rejected(result) == [(2, "code", Code.FORBIDDEN)]
    assert Unit.objects.get(code="S-C").jpath == district.b.path
    with pytest.raises(Forbidden):
        _units(district.worker_a, text)


# --- places -------------------------------------------------------------------------------------------------------

PLACES_HEADER = "社区,网格,小区,楼栋,户,地址,经度,纬度\n"


def _places(user, text: str):
    return places_import(actor=user, filename="places.csv", content=text.encode())


def _sheet(district) -> str:
    a, a1, a2 = district.a, district.a1, district.a2
    return PLACES_HEADER + (
        f"{a.name},{a1.code},园丁小区,,,园丁路8号,121.95,41.10\n"
        f"{a.name},{a1.code},园丁小区,1号楼,101,,,\n"
        f"{a.name},{a1.code},园丁小区,1号楼,102,,,\n"
        f",{a2.code},东村一组,,5号,东村5号,,\n"
    )


def test_places_are_created_level_by_level_and_a_reimport_changes_nothing(district):
    result = _places(district.hq, _sheet(district))
    assert (result.created, result.rejected) == (4, [])
    compound = Place.objects.get(kind="compound", name="园丁小区")
    assert (compound.address, compound.lon, compound.jurisdiction) == ("园丁路8号", 121.95, district.a1)
    building = Place.objects.get(kind="building", parent=compound)
    assert sorted(building.children.values_list("name", flat=True)) == ["101", "102"]
    village_household = Place.objects.get(kind="household", name="5号")
    assert (village_household.parent.name, village_household.jpath) == ("东村一组", district.a2.path)
    again = _places(district.hq, _sheet(district))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Place.objects.count() == 6


def test_a_household_in_a_grid_of_another_community_is_refused(district):
    text = PLACES_HEADER + f"{district.a.name},{district.b1.code},胜利小区,1号楼,101,,,\n"
    result = _places(district.hq, text)
    assert _rejected(result) == [(2, "grid", Code.INVALID)]
    assert not Place.objects.exists()


def test_places_beyond_reach_or_without_a_compound_are_refused(district):
    text = PLACES_HEADER + f",{district.b1.code},胜利小区,,,,,\n,{district.a1.code},,1号楼,,,,\n,G-X,某小区,,,,,\n"
    result = _places(district.street1, text)
    assert _rejected(result) == [
        (2, "grid", Code.FORBIDDEN),
        (3, "compound", Code.REQUIRED),
        (4, "grid", Code.NOT_FOUND),
    ]


# --- the roster finds households ------------------------------------------------------------------------------------

ROSTER = "姓名,证件类型,证件号码,手机号,社区,网格,住址,小区,楼栋,户\n"


def test_the_roster_puts_people_in_their_households(district):
    _places(district.hq, _sheet(district))
    one, two, three = make_id_number(), make_id_number(), make_id_number()
    text = ROSTER + (
        f"甲,居民身份证,{one},13800000001,{district.a.name},{district.a1.code},,园丁小区,1号楼,101\n"
        f"乙,居民身份证,{two},13800000002,{district.a.name},,,东村一组,,5号\n"  # the household's grid is theirs
        f"丙,居民身份证,{three},13800000003,{district.a.name},{district.a1.code},,园丁小区,1号楼,909\n"
    )
    result = people_import(actor=district.worker_a, filename="r.csv", content=text.encode())
    assert result.created == 2
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [(4, "household", Code.NOT_FOUND)]
    jia = Person.objects.get(name="甲")
    assert (jia.household.name, jia.household.parent.name) == ("101", "1号楼")
    yi = Person.objects.get(name="乙")
    assert (yi.household.name, yi.jurisdiction) == ("5号", district.a2)


def test_a_roster_household_in_another_grid_is_refused(district):
    _places(district.hq, _sheet(district))
    text = (
        ROSTER + f"甲,居民身份证,{make_id_number()},13800000001,{district.a.name},{district.a1.code},,东村一组,,5号\n"
    )
    result = people_import(actor=district.worker_a, filename="r.csv", content=text.encode())
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [(2, "household", Code.INVALID)]


PREMISES_HEADER = "类型,编码,名称,所在辖区,所在小区,所在楼栋\n"


def test_a_unit_names_the_compound_or_building_it_sits_in(district):
    """A workplace's premises, named as on the places sheet under the unit's jurisdiction: a case who works there
    drafts a zone over them (containment)."""
    _places(district.hq, _sheet(district))
    a1 = district.a1.code
    result = _units(
        district.hq, PREMISES_HEADER + f"单位,W-1,园丁超市,{a1},园丁小区,1号楼\n单位,W-2,园丁物业,{a1},园丁小区,\n"
    )
    assert (result.created, result.rejected) == (2, [])
    compound = Place.objects.get(kind="compound", name="园丁小区")
    assert Unit.objects.get(code="W-1").place == Place.objects.get(kind="building", parent=compound)
    assert Unit.objects.get(code="W-2").place == compound
    # A sheet without the premises columns leaves them as they are (the onboarding's units sheet has none).
    kept = _units(district.hq, UNITS_HEADER + f"单位,W-2,园丁物业,{a1},,,,,\n")
    assert kept.unchanged == 1 and Unit.objects.get(code="W-2").place == compound
    cleared = _units(district.hq, PREMISES_HEADER + f"单位,W-2,园丁物业,{a1},,\n")
    assert cleared.updated == 1 and Unit.objects.get(code="W-2").place is None


@pytest.mark.parametrize(
    ("compound", "building", "field", "code"),
    [
        ("无此小区", "", "place_compound", Code.NOT_FOUND),
        ("", "1号楼", "place_compound", Code.REQUIRED),
        ("园丁小区", "9号楼", "place_building", Code.NOT_FOUND),
        ("同名小区", "", "place_compound", "ambiguous"),
        ("东村一组", "", "place_compound", Code.NOT_FOUND),  # in another grid than the unit's
    ],
)
def test_premises_that_cannot_be_found_are_named(district, compound, building, field, code):
    _places(district.hq, _sheet(district))
    for grid in (district.a1, district.a2):
        Place.objects.create(kind="compound", name="同名小区", jurisdiction=grid, jpath=grid.path)
    where = district.a.code if compound == "同名小区" else district.a1.code
    result = _units(district.hq, PREMISES_HEADER + f"单位,W-9,某单位,{where},{compound},{building}\n")
    assert _rejected(result) == [(2, field, code)]
    assert not Unit.objects.filter(code="W-9").exists()
