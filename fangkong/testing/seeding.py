"""The testing side of the demo district: a sampling site in every community and village (run by the district
hospital's team, where the demo sampler works) and a round running now."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.core import clock
from fangkong.registry.geo import point_within
from fangkong.registry.models import Jurisdiction, PersonCode, RoleAssignment

from .models import Bag, LabCapacity, Recall, Round, RoundPoolSize, Sample, Site, Tube
from .rounds import round_create, site_create


def wipe() -> None:
    for model in (Recall, Sample, Tube, Bag, RoundPoolSize, Round, Site, PersonCode, LabCapacity):
        model.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    team = RoleAssignment.objects.filter(role="sampler").select_related("unit").first()
    if team is None or team.unit is None:
        return {"sites": 0}
    rng = random.Random(2024)
    hq = get_user_model().objects.get(username="hq_admin")
    # One site in each community for the district hospital's team, made as district HQ makes them.
    sites = []
    for c in Jurisdiction.objects.filter(level="community").order_by("path"):
        lon, lat = point_within(c, rng)
        sites.append(
            site_create(
                actor=hq,
                name=f"{c.name}采样点",
                address=f"{c.name}党群服务中心",
                jurisdiction_id=c.pk,
                unit_id=team.unit.pk,
                hours="07:00-21:00",
                lon=lon,
                lat=lat,
            )
        )
    now = clock.now()
    round_create(
        actor=hq,
        name="第1轮全员核酸检测",
        pool_size=10,
        starts_at=now - timedelta(hours=2),
        deadline=now + timedelta(hours=22),
        household_places=[],  # no sealed zone yet: containment's part of the demo comes after
    )
    _lab_capacity(hq)
    progress(f"{len(sites)} sampling sites, one round running")
    return {"sites": len(sites)}


def _lab_capacity(hq) -> None:
    """The demo laboratory's tubes per hour, set on its unit as HQ would (the pool plan's lab hours read it): 2,000
    an hour, about what a city lab with a dozen PCR lines managed in 2022."""
    from fangkong.registry.models import Unit
    from fangkong.registry.units import unit_save

    for lab in Unit.objects.filter(kind=Unit.Kind.LAB).select_related("jurisdiction", "supervising_department"):
        unit_save(
            actor=hq,
            values={
                "kind": "lab",
                "code": lab.code,
                "name": lab.name,
                "jurisdiction": lab.jurisdiction.code,
                "department": lab.supervising_department.code if lab.supervising_department else "",
                "uscc": lab.uscc,
                "address": lab.address,
                "lon": "" if lab.lon is None else str(lab.lon),
                "lat": "" if lab.lat is None else str(lab.lat),
                "tubes_per_hour": "2000",
            },
        )
