from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from fangkong.conftest import make_person, make_user
from fangkong.core import clock
from fangkong.registry.models import Person, Unit
from fangkong.testing.collection import Scan, collections_ingest
from fangkong.testing.models import Round, Site
from fangkong.testing.rounds import round_create, site_create


@dataclass
class Testing:
    round: Round
    site: Site  # in community A, run by the hospital's sampling team
    other_site: Site  # run by another team
    sampler: object
    other_sampler: object
    lab: object
    people_a: list[Person]  # twelve residents of community A


@pytest.fixture
def testing(district) -> Testing:
    d = district.d
    hospital = Unit.objects.create(kind="clinic", name="区医院", code="H1", jurisdiction=d, jpath=d.path)
    other = Unit.objects.create(kind="clinic", name="别的医院", code="H2", jurisdiction=d, jpath=d.path)
    lab = Unit.objects.create(kind="lab", name="检测实验室", code="L1", jurisdiction=d, jpath=d.path)
    round_ = round_create(
        actor=district.hq, name="第一轮全员核酸", pool_size=10, starts_at=clock.now() - timedelta(hours=1)
    )
    return Testing(
        round=round_,
        site=site_create(actor=district.hq, name="园丁广场采样点", jurisdiction_id=district.a.pk, unit_id=hospital.pk),
        other_site=site_create(actor=district.hq, name="胜利采样点", jurisdiction_id=district.b.pk, unit_id=other.pk),
        sampler=make_user("sampler1", "sampler", unit=hospital),
        other_sampler=make_user("sampler2", "sampler", unit=other),
        lab=make_user("lab1", "lab_staff", unit=lab),
        people_a=[make_person(district.a, district.a1, name=f"居民{i}") for i in range(12)],
    )


def scan(person: Person, tube: str, site: Site, index: int = 0, **kw) -> Scan:
    from fangkong.core import pii

    return Scan(
        index=index,
        document_number=pii.decrypt(person.doc_cipher),
        tube_code=tube,
        site_id=site.pk,
        collected_at=kw.pop("collected_at", clock.now()),
        **kw,
    )


def collect(actor, round_: Round, scans: list[Scan]) -> dict:
    return collections_ingest(actor=actor, round_id=round_.pk, scans=scans)
