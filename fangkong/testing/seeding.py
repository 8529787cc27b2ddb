"""The testing side of the demo district: a sampling site in every community and village (run by the district
hospital's team, where the demo sampler works) and a round running now."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.core import clock
from fangkong.registry.geo import point_within
from fangkong.registry.models import Jurisdiction, PersonCode, RoleAssignment

from .models import Bag, Recall, Round, Sample, Site, Tube
from .rounds import round_create, site_create


def wipe() -> None:
    for model in (Recall, Sample, Tube, Bag, Round, Site, PersonCode):
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
    progress(f"{len(sites)} sampling sites, one round running")
    return {"sites": len(sites)}
