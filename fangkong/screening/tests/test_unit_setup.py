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
