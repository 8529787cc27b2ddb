"""The inbox line about a new incident leads to the incident's page where an app above registered one (command's
duty desk, through core.navigation); incidents itself names no page of command's."""

from __future__ import annotations

from datetime import timedelta

from fangkong.core import clock, navigation
from fangkong.core.models import Notification
from fangkong.incidents.services import incident_open


def _open(district, title: str):
    return incident_open(
        actor=district.street1,
        title=title,
        level="IV",
        occurred_at=clock.now() - timedelta(minutes=5),
        place=district.a,
        text="已扑灭",
    )


def test_hq_is_told_with_a_link_to_commands_incident_page(district):
    incident = _open(district, "火情")
    assert Notification.objects.get(user=district.hq).link == f"/command/incidents/{incident.pk}/"


def test_without_the_page_the_line_has_no_link(district, monkeypatch):
    monkeypatch.setattr(navigation, "_links", {k: v for k, v in navigation._links.items() if k != "incident"})
    _open(district, "火情")
    assert Notification.objects.get(user=district.hq).link == ""
