"""Residents counted per jurisdiction, kept in step by the register's writes: always equal to a rebuild."""

from __future__ import annotations

from fangkong.conftest import make_id_number
from fangkong.registry.counts import residents_rebuild
from fangkong.registry.importing import people_import
from fangkong.registry.models import ResidentCount
from fangkong.registry.services import person_register


def kept() -> list[tuple[str, int]]:
    return sorted((j, n) for j, n in ResidentCount.objects.filter(n__gt=0).values_list("jpath", "n"))


def rebuilt() -> list[tuple[str, int]]:
    before = kept()
    residents_rebuild()
    after = kept()
    return after if after else before


def test_registering_importing_and_moving_keep_the_counts(district):
    person_register(
        actor=district.worker_a, name="新居民", doc_type="resident_id", document_number=make_id_number(),
        phone="", community_id=district.a.pk, grid_id=district.a2.pk,
    )  # fmt: skip
    mover = make_id_number()
    roster = (
        "姓名,证件类型,证件号码,手机号,社区,网格\n"
        f"甲,居民身份证,{make_id_number()},13800000001,{district.a.name},{district.a1.name}\n"
        f"乙,居民身份证,{mover},13800000002,{district.a.name},{district.a1.name}\n"
    )
    people_import(actor=district.hq, filename="r.csv", content=roster.encode())
    snapshot = kept()
    assert snapshot == rebuilt()
    moved = roster.replace(
        f"{mover},13800000002,{district.a.name},{district.a1.name}",
        f"{mover},13800000002,{district.a.name},{district.a2.name}",
    )
    people_import(actor=district.hq, filename="r.csv", content=moved.encode())
    after = kept()
    assert after == rebuilt()
    assert dict(after)[district.a2.path] == dict(snapshot)[district.a2.path] + 1
