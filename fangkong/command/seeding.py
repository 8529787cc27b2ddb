"""The command side of the demo district: named secretaries and heads of the district, streets and communities
and the principals of departments and enterprises (synthetic names), so the responsibility chain reads."""

from __future__ import annotations

import random

from fangkong.registry.models import Jurisdiction, Unit

from .models import Responsible

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英"


def wipe() -> None:
    Responsible.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    rng = random.Random(1949)

    def name() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)

    rows = []
    for place in Jurisdiction.objects.filter(level__in=["district", "street", "community"]).order_by("path"):
        rows.append(
            Responsible(jurisdiction=place, duty="secretary", name=name(), post=f"{place.name}党委（党组织）书记")
        )
        if place.level != "community":
            rows.append(Responsible(jurisdiction=place, duty="head", name=name(), post=f"{place.name}主要负责人"))
    for unit in Unit.objects.filter(kind__in=["department", "enterprise", "checkpoint"]).order_by("pk"):
        rows.append(Responsible(unit=unit, duty="principal", name=name(), post=f"{unit.name}主要负责人"))
    Responsible.objects.bulk_create(rows)
    progress(f"{len(rows)} named responsible people")
    return {"responsible": len(rows)}
