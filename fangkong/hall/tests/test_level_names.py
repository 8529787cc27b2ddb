"""The hall names the zones' levels in the reader's language: the panel's list of zones in force, the figure of
zones by level, and the API carrying both (the district's English name where given, else its Chinese one)."""

from __future__ import annotations

import pytest

from fangkong.containment.models import ZoneLevel
from fangkong.containment.zones import zone_approve, zone_request


@pytest.fixture
def sealed(district, containment):
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    return zone


def _containment(client, headers: dict, language: str) -> dict:
    r = client.get("/api/v1/hall", HTTP_ACCEPT_LANGUAGE=language, **headers)
    assert r.status_code == 200
    return r.json()["indicators"]["containment"]


def test_the_api_names_the_levels_in_the_readers_language(client, district, sealed, api_token):
    hq = api_token(district.hq)
    english = _containment(client, hq, "en")
    assert [(z["level"], z["level_name"]) for z in english["zones"]] == [("sealed", "Sealed zone")]
    assert english["zones_by_level"] == {"Sealed zone": 1}
    chinese = _containment(client, hq, "zh-hans")
    assert [(z["level"], z["level_name"]) for z in chinese["zones"]] == [("sealed", "封控区")]
    assert chinese["zones_by_level"] == {"封控区": 1}
    ZoneLevel.objects.filter(code="sealed").update(name_en="")
    assert [z["level_name"] for z in _containment(client, hq, "en")["zones"]] == ["封控区"]


def test_the_panel_names_the_levels_in_the_readers_language(district, sealed):
    client = district.client(district.hq)
    english = client.get("/hall/panel", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sealed zone · 幸福里" in english and "封控区" not in english
    chinese = client.get("/hall/panel", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "封控区 · 幸福里" in chinese
