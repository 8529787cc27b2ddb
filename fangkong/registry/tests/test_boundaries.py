"""Jurisdictions' outlines imported from GeoJSON: matched by code, each checked, all or nothing; GCJ-02 told apart."""

from __future__ import annotations

import json

import eviltransform
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.registry import geo
from fangkong.registry.models import Jurisdiction


def square(west: float, south: float, size: float = 0.02) -> dict:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"code": c}, "geometry": g} for c, g in features],
        }
    ).encode()


def post(client, api_token, user, content: bytes, name: str = "boundaries.geojson"):
    return client.post(
        "/api/v1/registry/boundaries:import",
        {"file": SimpleUploadedFile(name, content, content_type="application/geo+json")},
        **api_token(user),
    )


def test_outlines_are_stored_by_code(district, client, api_token):
    content = collection(
        (district.s1.code, square(121.98, 41.10)),
        (district.s2.code, square(122.02, 41.10)),
        ("999", square(122.0, 41.15)),
    )
    r = post(client, api_token, district.hq, content)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body == {"matched": 2, "unmatched": ["999"], "invalid": [], "stored": True, "crs": "WGS-84"}
    assert Jurisdiction.objects.get(pk=district.s1.pk).boundary == square(121.98, 41.10)


@pytest.mark.parametrize(
    ("geometry", "problem"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [[[122.0, 41.1], [122.02, 41.12], [122.02, 41.1], [122.0, 41.12], [122.0, 41.1]]],
            },
            "invalid_outline",
        ),
        (
            {"type": "Polygon", "coordinates": [[[122.0, 41.1], [122.02, 41.1], [122.02, 41.12], [122.0, 41.12]]]},
            "open_ring",
        ),
        (square(116.39, 39.9), "outside"),
        ({"type": "Point", "coordinates": [122.0, 41.1]}, "not_polygon"),
    ],
)
def test_one_bad_outline_and_nothing_is_stored(district, client, api_token, geometry, problem):
    content = collection((district.s1.code, square(121.98, 41.10)), (district.s2.code, geometry))
    body = post(client, api_token, district.hq, content).json()
    assert body["stored"] is False and body["matched"] == 1
    assert body["invalid"][0]["code"] == district.s2.code and body["invalid"][0]["problem"] == problem
    assert not Jurisdiction.objects.filter(boundary__isnull=False).exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not json {", "invalid"),
        (b'{"type": "Feature"}', "invalid"),
        (b'{"type": "FeatureCollection", "features": []}', "required"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported_type"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(district, client, api_token, content, code):
    r = post(client, api_token, district.hq, content)
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["errors"][0]["field"] == "file"


def test_a_file_too_large_is_refused(district, client, api_token, monkeypatch):
    monkeypatch.setattr(geo, "MAX_BYTES", 100)
    r = post(client, api_token, district.hq, collection((district.s1.code, square(121.98, 41.10))))
    assert r.status_code == 400 and r.json()["code"] == "too_large"


def test_a_gcj02_file_is_told_apart(district, client, api_token):
    geo.demo_draw()
    shifted = []
    for j in (district.s1, district.s2, district.a, district.b):
        stored = Jurisdiction.objects.get(pk=j.pk).boundary
        ring = [list(reversed(eviltransform.wgs2gcj(lat, lon))) for lon, lat in stored["coordinates"][0]]
        shifted.append((j.code, {"type": "Polygon", "coordinates": [ring]}))
    body = post(client, api_token, district.hq, collection(*shifted)).json()
    assert body["crs"] == "GCJ-02" and body["stored"] is False and body["invalid"][-1]["problem"] == "gcj02"
    # The same outlines unshifted are WGS-84, and are stored.
    plain = [(j.code, Jurisdiction.objects.get(pk=j.pk).boundary) for j in (district.s1, district.s2)]
    assert post(client, api_token, district.hq, collection(*plain)).json()["stored"] is True


def test_only_district_hq_imports_outlines(district, client, api_token):
    content = collection((district.s1.code, square(121.98, 41.10)))
    for user in (district.street1, district.worker_a, district.unit_staff):
        assert post(client, api_token, user, content).status_code == 403  # a capability, not a scope
    assert not Jurisdiction.objects.filter(boundary__isnull=False).exists()
