"""A checkpoint set up from the units sheet (issue 17, point 4) gets its post, kept in step with the unit."""

from __future__ import annotations

from fangkong.registry.units import units_import
from fangkong.screening.models import Checkpoint

HEADER = "类型,编码,名称,所在辖区,主管部门,地址\n"


def test_a_checkpoint_row_makes_the_checkpoint_and_keeps_it_in_step(district):
    text = HEADER + f"部门,D-GA,区公安分局,{district.d.code},,\n卡口,CP-9,兴盛道口,{district.s1.code},D-GA,兴盛路口\n"
    result = units_import(actor=district.hq, filename="u.csv", content=text.encode())
    assert (result.created, result.rejected) == (2, [])
    cp = Checkpoint.objects.get(unit__code="CP-9")
    assert (cp.name, cp.location, cp.responsible_unit.code, cp.jpath) == (
        "兴盛道口",
        "兴盛路口",
        "D-GA",
        district.s1.path,
    )
    renamed = units_import(actor=district.hq, filename="u.csv", content=text.replace("兴盛道口", "兴盛新道口").encode())
    assert (renamed.updated, renamed.unchanged) == (1, 1)
    cp.refresh_from_db()
    assert cp.name == "兴盛新道口"


def test_a_resident_coming_home_is_in_their_grid_and_a_visitor_in_the_community(district, screening):
    """The passage's place decides who sees it: a resident of the destination community is in their own grid,
    where its grid worker sees them arrive; a visitor is in the community."""
    from fangkong.conftest import make_id_number
    from fangkong.screening.models import Passage
    from fangkong.screening.passages import PassageInput, passage_register

    def arrive(number, name):
        data = PassageInput(
            direction="in", document_number=number, name=name, destination_community=district.a.pk, origin="沈阳"
        )
        return passage_register(actor=screening.staff1, checkpoint_id=screening.cp1.pk, data=data)

    arrive(_number(district.person_a), district.person_a.name)
    arrive(make_id_number(), "过客")
    home = Passage.objects.get(person=district.person_a)
    visitor = Passage.objects.get(name="过客")
    assert (home.jpath, visitor.jpath) == (district.a1.path, district.a.path)


def _number(person) -> str:
    from fangkong.core import pii

    return pii.decrypt(person.doc_cipher)
