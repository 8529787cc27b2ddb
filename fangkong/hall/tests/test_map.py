"""The hall's map: GeoJSON of the jurisdiction's parts coloured by an indicator, with its point layers."""

from __future__ import annotations

import pytest

from fangkong.containment.zones import zone_approve, zone_request
from fangkong.registry.geo import demo_draw
from fangkong.registry.models import Unit


@pytest.fixture
def drawn(district):
    return demo_draw()


def geo(api, user, **params) -> dict:
    r = api(user).get("/api/v1/hall/map", params)
    assert r.status_code == 200, r.content
    return r.json()


def values(fc: dict) -> dict[int, object]:
    return {f["properties"]["id"]: f["properties"]["value"] for f in fc["features"]}


def test_the_districts_map_is_its_streets_with_their_outlines(district, drawn, api):
    fc = geo(api, district.hq)
    assert fc["type"] == "FeatureCollection" and fc["level"] == "street"
    assert [f["properties"]["name"] for f in fc["features"]] == [district.s1.name, district.s2.name]
    for f in fc["features"]:
        assert f["geometry"]["type"] == "Polygon" and set(f["properties"]) >= {"id", "name", "value"}
    assert values(fc) == {district.s1.pk: 0, district.s2.pk: 0}


def test_a_sealed_compound_colours_its_community_street_and_grid(district, drawn, containment, api):
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    assert values(geo(api, district.hq))[district.s1.pk] == 0  # proposed only
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    assert values(geo(api, district.hq)) == {district.s1.pk: 3, district.s2.pk: 0}
    assert values(geo(api, district.hq, level="community")) == {district.a.pk: 3, district.b.pk: 0}
    grids = values(geo(api, district.hq, level="grid"))
    assert grids[district.a1.pk] == 3 and grids[district.a2.pk] == 0 and grids[district.b1.pk] == 0


def test_a_street_officer_maps_their_street_only(district, drawn, api):
    fc = geo(api, district.street1)
    assert fc["jurisdiction"]["id"] == district.s1.pk and fc["level"] == "community"
    assert [f["properties"]["id"] for f in fc["features"]] == [district.a.pk]
    r = api(district.street1).get("/api/v1/hall/map", {"jurisdiction": district.s2.pk})
    assert r.status_code == 404
    assert api(district.unit_staff).get("/api/v1/hall/map").status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"indicator": "sunshine"}, "indicator", "unknown_choice"),
        ({"level": "province"}, "level", "unknown_choice"),
    ],
)
def test_bad_map_parameters_name_the_field(district, drawn, api, params, field, code):
    r = api(district.hq).get("/api/v1/hall/map", params)
    assert r.status_code == 400
    assert r.json()["code"] == code and r.json()["errors"][0]["field"] == field


def test_a_level_above_the_jurisdiction_is_refused(district, drawn, api):
    r = api(district.hq).get("/api/v1/hall/map", {"jurisdiction": district.a.pk, "level": "street"})
    assert r.status_code == 400 and r.json()["code"] == "out_of_range"


def test_each_indicator_on_the_map_matches_the_halls_figure(district, drawn, screening, api):
    from .conftest import high_risk_arrival

    for community in (district.a, district.a, district.b):
        high_risk_arrival(screening, community)
    by_street = values(geo(api, district.hq, indicator="arrivals_today"))
    for street in (district.s1, district.s2):
        r = api(district.hq).get("/api/v1/hall", {"jurisdiction": street.pk})
        assert by_street[street.pk] == r.json()["indicators"]["screening"]["arrivals_today"]
    assert by_street == {district.s1.pk: 2, district.s2.pk: 1}
    overdue = values(geo(api, district.hq, indicator="followups_overdue"))
    assert overdue == {district.s1.pk: 0, district.s2.pk: 0}


def test_points_carry_what_the_viewer_may_see(district, drawn, screening, api):
    Unit.objects.filter(pk=screening.cp1.unit_id).update(lon=122.0, lat=41.1)
    layers = {layer["kind"]: layer for layer in geo(api, district.hq)["points"]}
    assert [p["name"] for p in layers["checkpoints"]["items"]] == [screening.cp1.name]
    assert "checkpoints" not in {layer["kind"] for layer in geo(api, district.worker_b)["points"]}


def test_the_page_map_answers_the_session(district, drawn):
    r = district.client(district.hq).get("/hall/map.json", {"indicator": "red"})
    assert r.status_code == 200 and r.json()["indicator"]["name"] == "red"
    assert district.client(district.street1).get("/hall/map.json", {"jurisdiction": district.s2.pk}).status_code == 404
