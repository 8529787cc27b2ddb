"""What the README promises of the hall, the demo shows: a sealed compound coloured on the map, a zone waiting on
the deputy's desk, outlines for every jurisdiction, points for checkpoints and sites."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from fangkong.core.desk import todos_for
from fangkong.hall.selectors import hall_for, map_for
from fangkong.registry.models import Jurisdiction, RoleAssignment
from fangkong.site.demo import seed_demo


def test_the_small_demo_has_a_sealed_zone_and_one_awaiting_the_deputy(db):
    seed_demo(people=300)
    users = get_user_model().objects
    hq, deputy = users.get(username="hq_admin"), users.get(username="hq_deputy")
    community = RoleAssignment.objects.get(user__username="grid_worker_a").jurisdiction
    zones = hall_for(user=hq).indicators()["containment"]["zones"]
    assert [z["level"] for z in zones] == ["sealed"] and zones[0]["population"] > 0
    todos = {t.kind: t.count for t in todos_for(deputy)}
    assert todos["containment.zones"] == 1
    assert not Jurisdiction.objects.filter(boundary__isnull=True).exists()
    fc = map_for(user=hq, level="community")
    assert {f["properties"]["id"]: f["properties"]["value"] for f in fc["features"]}[community.pk] == 3
    layers = {layer["kind"]: len(layer["items"]) for layer in fc["points"]}
    assert layers["checkpoints"] >= 1 and layers["sampling_sites"] >= 100 and layers["sealed_compounds"] == 1
