"""Zone levels are the district's data, named in Chinese, with an optional English name and restrictions: a reader
in English reads those where given, a reader in Chinese the Chinese, and everyone the Chinese where the English is
blank — on the pages, in a status's reasons (pages, the scanners' API) and in the levels' API."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from fangkong.containment.models import ZoneLevel
from fangkong.containment.protocol import level_update
from fangkong.containment.status import reason_text, status_of
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.core.models import AuditEvent
from fangkong.registry.codes import person_code

JSON = "application/json"
ZH = "zh-hans"


@pytest.fixture
def sealed(district, containment):
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    return zone


def _page(district, path: str, language: str) -> str:
    client = district.client(district.hq)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_defaults_carry_english_names(db):
    names = dict(ZoneLevel.objects.values_list("code", "name_en"))
    assert names == {
        "sealed": "Sealed zone",
        "controlled": "Controlled zone",
        "prevention": "Prevention zone",
        "high": "High-risk area",
        "medium": "Medium-risk area",
        "low": "Low-risk area",
    }
    sealed = ZoneLevel.objects.get(code="sealed")
    assert sealed.restrictions_en == "Stay at home; services come to the door."


def test_a_zone_page_names_its_level_in_the_readers_language(district, sealed):
    path = f"/containment/zones/{sealed.pk}/"
    english = _page(district, path, "en")
    assert "Sealed zone" in english and "封控区" not in english
    assert "Stay at home; services come to the door." in english and "足不出户" not in english
    chinese = _page(district, path, ZH)
    assert "封控区" in chinese and "Sealed zone" not in chinese and "足不出户，上门服务。" in chinese
    listed = _page(district, "/containment/zones/", "en")
    assert "Sealed zone" in listed and "Controlled zone" in listed and "封控区" not in listed


def test_a_blank_english_name_falls_back_to_the_chinese(district, sealed):
    ZoneLevel.objects.filter(code="sealed").update(name_en="", restrictions_en="")
    english = _page(district, f"/containment/zones/{sealed.pk}/", "en")
    assert "封控区" in english and "足不出户，上门服务。" in english and "Sealed zone" not in english
    with translation.override("en"):
        assert ZoneLevel.objects.get(code="sealed").label == "封控区"


def test_a_status_reason_names_the_level_when_read(district, containment, sealed):
    reason = status_of(containment.residents[0].pk).reasons[0]
    assert (reason["kind"], reason["level"], reason["level_code"]) == ("zone", "封控区", "sealed")
    with translation.override("en"):
        assert reason_text(reason) == "Lives in Sealed zone “幸福里”"
    with translation.override(ZH):
        assert reason_text(reason) == "居住在封控区“幸福里”"
    # Kept before the level's code was: found by the Chinese name it holds; an unknown level reads as kept.
    with translation.override("en"):
        assert reason_text({k: v for k, v in reason.items() if k != "level_code"}) == "Lives in Sealed zone “幸福里”"
        assert reason_text(reason | {"level_code": "gone", "level": "旧级别"}) == "Lives in 旧级别 “幸福里”"
    # An English name given later reads at once, without the statuses being computed again.
    level_update(
        actor=district.hq,
        code="sealed",
        name="封控区",
        name_en="Lockdown zone",
        colour="red",
        restrictions="足不出户，上门服务。",
        rank=1,
        quiet_days=14,
        contact_days=14,
        negative_days=2,
        lifts_with_others=False,
        active=True,
    )
    with translation.override("en"):
        assert reason_text(reason) == "Lives in Lockdown zone “幸福里”"


def test_the_scanner_and_the_person_page_read_the_level_in_their_language(
    client, district, containment, sealed, api_token
):
    scanner = api_token(containment.scanner)
    code = person_code(actor=district.hq, person_id=containment.residents[0].pk)
    english = client.get(f"/api/v1/status/{code}", HTTP_ACCEPT_LANGUAGE="en", **scanner).json()
    chinese = client.get(f"/api/v1/status/{code}", HTTP_ACCEPT_LANGUAGE=ZH, **scanner).json()
    assert english["reason"] == "Lives in Sealed zone “幸福里”"
    assert chinese["reason"] == "居住在封控区“幸福里”"
    page = _page(district, f"/containment/people/{containment.residents[0].pk}/", "en")
    assert "Lives in Sealed zone" in page and "封控区" not in page


def test_the_levels_api_takes_and_gives_the_english_name(client, district, containment, api_token):
    hq = api_token(district.hq)
    levels = {lv["code"]: lv for lv in client.get("/api/v1/zones/levels", HTTP_ACCEPT_LANGUAGE="en", **hq).json()}
    assert (levels["sealed"]["name"], levels["sealed"]["name_en"], levels["sealed"]["label"]) == (
        "封控区",
        "Sealed zone",
        "Sealed zone",
    )
    chinese = client.get("/api/v1/zones/levels", HTTP_ACCEPT_LANGUAGE=ZH, **hq).json()
    assert {lv["code"]: lv["label"] for lv in chinese}["sealed"] == "封控区"

    body = {"code": "sealed", "name": "封控区", "colour": "red"}
    body |= {"name_en": "  Lockdown   zone ", "restrictions_en": "Stay in."}
    r = client.put("/api/v1/zones/levels/sealed", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 200
    assert (r.json()["name_en"], r.json()["label"], r.json()["restrictions_en"]) == (
        "Lockdown zone",
        "Lockdown zone",
        "Stay in.",
    )
    event = AuditEvent.objects.get(action="zone.level_update")
    assert (event.fields["before"]["name_en"], event.fields["after"]["name_en"]) == ("Sealed zone", "Lockdown zone")
    assert event.object_repr == "封控区"  # the record names the level as the district does, not as the officer reads
    # A PUT without the English name leaves it blank: readers in English read the Chinese.
    bare = {"code": "sealed", "name": "封控区", "colour": "red"}
    r = client.put("/api/v1/zones/levels/sealed", bare, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 200 and (r.json()["name_en"], r.json()["label"]) == ("", "封控区")


def test_the_migration_fills_the_defaults_the_district_left_as_they_were(db):
    migration = importlib.import_module("fangkong.containment.migrations.0011_zone_level_english")
    ZoneLevel.objects.update(name_en="", restrictions_en="")
    ZoneLevel.objects.filter(code="controlled").update(name="管控区（调整）")  # renamed by the district
    ZoneLevel.objects.filter(code="low").update(restrictions="戴口罩。")  # reworded by the district
    ZoneLevel.objects.filter(code="medium").update(name_en="Medium risk")  # named in English by the district
    migration.fill(apps, None)
    rows = {lv.code: (lv.name_en, lv.restrictions_en) for lv in ZoneLevel.objects.all()}
    assert rows["sealed"] == ("Sealed zone", "Stay at home; services come to the door.")
    assert rows["controlled"][0] == "" and rows["controlled"][1].startswith("Nobody leaves the zone")
    assert rows["low"] == ("Low-risk area", "")
    assert rows["medium"][0] == "Medium risk"


def test_the_halls_alert_names_the_level_in_the_readers_language(district, sealed):
    """The alert was raised once, by a Chinese-speaking officer; each reader of the feed reads the level in their
    own language (core.bilingual: the subject kept rendered in each)."""
    from fangkong.core.alerts import alerts_for

    with translation.override("en"):
        english = [a.title for a in alerts_for(user=district.hq) if "幸福里" in a.title]
    with translation.override(ZH):
        chinese = [a.title for a in alerts_for(user=district.hq) if "幸福里" in a.title]
    assert english and all("Sealed zone · 幸福里" in t and "封控区" not in t for t in english)
    assert chinese and all("封控区 · 幸福里" in t and "Sealed zone" not in t for t in chinese)


def test_the_daily_report_names_levels_in_the_readers_language(district, sealed):
    """The daily report stores a level as the day read it, with its English: the page in English reads that."""
    from fangkong.command.situation import situation_compile

    report = situation_compile(actor=district.hq)
    path = f"/command/situation/{report.pk}/"
    english, chinese = _page(district, path, "en"), _page(district, path, ZH)
    assert "Sealed zone" in english and "封控区" not in english
    assert "封控区" in chinese and "Sealed zone" not in chinese
