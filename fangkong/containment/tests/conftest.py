from __future__ import annotations

from dataclasses import dataclass

import pytest

from fangkong.conftest import make_person, make_user
from fangkong.registry.models import Person, Place, Unit


@dataclass
class Containment:
    hq2: object  # a second HQ officer: the other person of every two-person decision
    compound: Place  # 幸福里 in community A: building 1 → households 101, 102
    building: Place
    home101: Place
    residents: list[Person]  # 101: two, 102: one
    outsider: Person  # community A, not in the compound
    scanner: object  # checkpoint staff with a device token


def place(kind, name, parent, j):
    return Place.objects.create(kind=kind, name=name, parent=parent, jurisdiction=j, jpath=j.path)


@pytest.fixture
def containment(district) -> Containment:
    a = district.a
    compound = place("compound", "幸福里", None, a)
    building = place("building", "1号楼", compound, a)
    home101 = place("household", "101", building, a)
    home102 = place("household", "102", building, a)
    residents = []
    for name, home in (("住户甲", home101), ("住户乙", home101), ("住户丙", home102)):
        p = make_person(a, district.a1, name=name)
        p.household = home
        p.save(update_fields=["household"])
        residents.append(p)
    checkpoint = Unit.objects.create(
        kind="checkpoint", name="高速口", code="CP9", jurisdiction=district.d, jpath=district.d.path
    )
    return Containment(
        hq2=make_user("hq2", "hq_admin", jurisdiction=district.d),
        compound=compound,
        building=building,
        home101=home101,
        residents=residents,
        outsider=make_person(a, district.a2, name="路人"),
        scanner=make_user("scanner", "checkpoint_staff", unit=checkpoint),
    )
