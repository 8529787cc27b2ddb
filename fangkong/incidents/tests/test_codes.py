"""What an incident report refuses, and the code a client matches for each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.incidents.services import incident_report_add, incident_report_initial, level_update


def _open(district, **kw):
    base = {
        "title": "某企业液氨泄漏",
        "level": "III",
        "occurred_at": clock.now() - timedelta(minutes=30),
        "jurisdiction_id": district.a.pk,
        "text": "已疏散",
    }
    return incident_report_initial(actor=district.street1, **{**base, **kw})


def test_the_initial_report_is_checked(district):
    now = clock.now()
    cases = [
        ({"level": "V"}, "level", "unknown_choice"),
        ({"title": " "}, "title", "required"),
        ({"occurred_at": now + timedelta(hours=1)}, "occurred_at", "in_future"),
        ({"known_at": now + timedelta(hours=1)}, "known_at", "in_future"),
        ({"known_at": now - timedelta(hours=1)}, "known_at", "end_before_start"),  # known before it occurred
        ({"text": ""}, "text", "required"),
    ]
    for overrides, field, code in cases:
        with pytest.raises(FieldError) as exc:
            _open(district, **overrides)
        assert (exc.value.field, exc.value.code) == (field, code), overrides


def test_follow_ups_are_checked(district):
    incident = _open(district)
    for kind, text, field, code in (("initial", "x", "kind", "unknown_choice"), ("followup", " ", "text", "required")):
        with pytest.raises(FieldError) as exc:
            incident_report_add(actor=district.street1, incident_id=incident.pk, kind=kind, text=text)
        assert (exc.value.field, exc.value.code) == (field, code)
    incident_report_add(actor=district.street1, incident_id=incident.pk, kind="final", text="处置完毕")
    with pytest.raises(FieldError) as exc:
        incident_report_add(actor=district.street1, incident_id=incident.pk, kind="followup", text="补充")
    assert (exc.value.field, exc.value.code) == ("kind", "wrong_state")


def test_level_limits_are_checked(district):
    with pytest.raises(FieldError) as exc:
        level_update(actor=district.hq, code="IV", name="一般", initial_minutes=1, followup_hours=12, rank=4)
    assert (exc.value.field, exc.value.code) == ("initial_minutes", "out_of_range")
