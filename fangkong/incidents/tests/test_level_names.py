"""Incident levels are the district's data, named in Chinese, with an optional English name: a reader in English
reads it where given, a reader in Chinese the Chinese, and everyone the Chinese where it is blank — on the duty
desk's pages and in the levels' API."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import translation

from fangkong.core import clock
from fangkong.core.models import AuditEvent
from fangkong.incidents.models import IncidentLevel
from fangkong.incidents.services import incident_report_initial, level_update

JSON = "application/json"
ZH = "zh-hans"


@pytest.fixture
def fire(district):
    return incident_report_initial(
        actor=district.street1,
        title="仓库火情",
        level="IV",
        occurred_at=clock.now() - timedelta(minutes=10),
        jurisdiction_id=district.a.pk,
        text="已扑灭，无人员伤亡",
    )


def _page(district, path: str, language: str) -> str:
    response = district.client(district.street1).get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_defaults_carry_english_names(db):
    assert list(IncidentLevel.objects.values_list("code", "name", "name_en")) == [
        ("I", "特别重大", "Particularly serious"),
        ("II", "重大", "Serious"),
        ("III", "较大", "Relatively serious"),
        ("IV", "一般", "General"),
    ]


def test_the_incident_pages_name_the_level_in_the_readers_language(district, fire):
    english = _page(district, f"/command/incidents/{fire.pk}/", "en")
    assert "<small>General</small>" in english and "一般" not in english
    chinese = _page(district, f"/command/incidents/{fire.pk}/", ZH)
    assert "<small>一般</small>" in chinese and "General" not in chinese
    listed = _page(district, "/command/incidents/", "en")
    assert " · General · " in listed and "Particularly serious (" in listed and "特别重大" not in listed


def test_a_blank_english_name_falls_back_to_the_chinese(district, fire):
    IncidentLevel.objects.filter(code="IV").update(name_en="")
    assert "<small>一般</small>" in _page(district, f"/command/incidents/{fire.pk}/", "en")
    with translation.override("en"):
        assert IncidentLevel.objects.get(code="IV").label == "一般"
        assert IncidentLevel.objects.get(code="III").label == "Relatively serious"


def test_the_levels_api_takes_and_gives_the_english_name(client, district, api_token):
    hq = api_token(district.hq)
    english = {lv["code"]: lv for lv in client.get("/api/v1/incidents/levels", HTTP_ACCEPT_LANGUAGE="en", **hq).json()}
    assert (english["IV"]["name"], english["IV"]["name_en"], english["IV"]["label"]) == ("一般", "General", "General")
    chinese = client.get("/api/v1/incidents/levels", HTTP_ACCEPT_LANGUAGE=ZH, **hq).json()
    assert {lv["code"]: lv["label"] for lv in chinese}["IV"] == "一般"

    body = {"code": "IV", "name": "一般", "name_en": " Ordinary ", "initial_minutes": 60, "followup_hours": 24}
    r = client.put("/api/v1/incidents/levels/IV", body, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 200 and (r.json()["name_en"], r.json()["label"]) == ("Ordinary", "Ordinary")
    event = AuditEvent.objects.get(action="incident.level_update")
    assert (event.fields["before"]["name_en"], event.fields["after"]["name_en"]) == ("General", "Ordinary")
    assert event.object_repr == "一般"
    # A PUT without the English name leaves it blank: readers in English read the Chinese.
    bare = {"code": "IV", "name": "一般", "initial_minutes": 60, "followup_hours": 24}
    r = client.put("/api/v1/incidents/levels/IV", bare, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **hq)
    assert r.status_code == 200 and (r.json()["name_en"], r.json()["label"]) == ("", "一般")


def test_a_new_level_may_be_named_in_english_too(district):
    row = level_update(
        actor=district.hq, code="V", name="轻微", name_en="Minor", initial_minutes=120, followup_hours=48, rank=5
    )
    with translation.override("en"):
        assert str(row) == row.label == "Minor"
    with translation.override(ZH):
        assert str(row) == row.label == "轻微"


def test_the_migration_fills_the_defaults_the_district_left_as_they_were(db):
    migration = importlib.import_module("fangkong.incidents.migrations.0002_level_english")
    IncidentLevel.objects.update(name_en="")
    IncidentLevel.objects.filter(code="III").update(name="较大事件")  # renamed by the district
    IncidentLevel.objects.filter(code="II").update(name_en="Major")  # named in English by the district
    migration.fill(apps, None)
    assert dict(IncidentLevel.objects.values_list("code", "name_en")) == {
        "I": "Particularly serious",
        "II": "Major",
        "III": "",
        "IV": "General",
    }


def test_hqs_notification_names_the_level_in_the_readers_language(district, fire):
    from fangkong.core.models import Notification

    told = Notification.objects.filter(user=district.hq).latest("id")
    with translation.override("en"):
        assert told.title_shown == "Incident (General): 仓库火情"
    with translation.override(ZH):
        assert "一般" in told.title_shown and "General" not in told.title_shown
