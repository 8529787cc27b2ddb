"""Checkpoints go by the platform's own status (issue 14): a red person in a sealed zone showing a green code is
not let through, and the staff read the platform's reasons — never the basis of a manual change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.containment.changes import status_change_approve, status_change_request
from fangkong.containment.zones import zone_approve, zone_request
from fangkong.core import clock, pii
from fangkong.registry.models import Unit
from fangkong.screening.models import Checkpoint

JSON = "application/json"
BASIS = "《传染病防治法》第三十九条；与病例同乘一车"


@pytest.fixture
def checkpoint(district, containment):
    unit = Unit.objects.create(
        kind="checkpoint", name="高速道口", code="CPX", jurisdiction=district.s1, jpath=district.s1.path
    )
    police = Unit.objects.create(kind="department", name="公安分局", code="D-P", jurisdiction=district.d, jpath="")
    return Checkpoint.objects.create(
        unit=unit, name="高速道口", responsible_unit=police, jurisdiction=district.s1, jpath=district.s1.path
    )


@pytest.fixture
def staff(checkpoint, api_token):
    from fangkong.conftest import make_user

    return api_token(make_user("cp_staff", "checkpoint_staff", unit=checkpoint.unit))


def _register(client, staff, checkpoint, person, direction="in", key="k"):
    body = {
        "direction": direction,
        "document_number": pii.decrypt(person.doc_cipher),
        "name": person.name,
        "status_code": "green",  # what the phone showed
        "origin": "沈阳市铁西区" if direction == "in" else "",
        "destination_community": person.community_id if direction == "in" else None,
    }
    r = client.post(
        f"/api/v1/checkpoints/{checkpoint.pk}/passages",
        body,
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="en",
        **staff,
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_red_and_yellow_people_are_not_let_pass_and_green_ones_are(client, district, containment, checkpoint, staff):
    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    red = containment.residents[0]
    yellow = containment.outsider
    change = status_change_request(
        actor=district.hq, person_id=yellow.pk, colour="yellow", basis=BASIS, expires_at=clock.now() + timedelta(days=3)
    )
    status_change_approve(actor=containment.hq2, change_id=change.pk)

    entering = _register(client, staff, checkpoint, red, "in", "red-in")
    assert (entering["instruction"], entering["rule_code"]) == ("central_isolation", "status_red")
    assert "幸福里" in entering["rule"]
    leaving = _register(client, staff, checkpoint, red, "out", "red-out")
    assert (leaving["instruction"], leaving["rule_code"]) == ("turn_back", "status_red")

    y = _register(client, staff, checkpoint, yellow, "in", "yellow-in")
    assert (y["instruction"], y["rule_code"]) == ("register_notify", "status_yellow")
    assert "Manual change" in y["rule"] and BASIS not in y["rule"] and "三十九条" not in y["rule"]
    assert _register(client, staff, checkpoint, yellow, "out", "yellow-out")["instruction"] == "turn_back"

    green = _register(client, staff, checkpoint, district.person_b, "in", "green-in")
    assert (green["instruction"], green["rule_code"]) == ("let_pass", "no_risk")  # like an unknown number


def test_the_lookup_shows_the_platforms_colour_and_reasons(client, district, containment, checkpoint):
    from fangkong.conftest import make_user

    zone = zone_request(
        actor=district.hq, name="幸福里", level="sealed", basis="确诊病例居住小区", places=[containment.compound.pk]
    )
    zone_approve(actor=containment.hq2, zone_id=zone.pk)
    page = district.client(make_user("cp_staff2", "checkpoint_staff", unit=checkpoint.unit))
    r = page.get(
        f"/screening/checkpoints/{checkpoint.pk}/lookup",
        {"document_type": "resident_id", "document_number": pii.decrypt(containment.residents[0].doc_cipher)},
    )
    assert r.status_code == 200
    text = r.content.decode()
    assert "signal-stop" in text and "幸福里" in text
