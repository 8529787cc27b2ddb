from __future__ import annotations

from datetime import timedelta

import pytest

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.core.scoping import Forbidden
from fangkong.screening.checkpoints import shift_create, shifts_ahead, uncovered
from fangkong.screening.models import RiskProtocol, ScreeningSettings
from fangkong.screening.protocol import parse_test_days, protocol_update, settings_update
from fangkong.screening.tests.test_passages import arrive


def test_hq_edits_a_level_and_new_arrivals_follow_it(district, screening):
    row = protocol_update(
        actor=district.hq,
        level="low",
        instruction="central_isolation",
        measure="home_isolation",
        days=5,
        test_days="1、3、5",
    )
    assert (row.version, row.test_days) == (2, [1, 3, 5])
    event = AuditEvent.objects.get(action="protocol.update")
    assert event.fields["days"] == {"from": 3, "to": 5}
    r = arrive(screening.staff1, screening.cp1, origin="沈阳市和平区", destination_community=district.a.pk)
    assert r.passage.instruction == "central_isolation" and r.followup.test_days == [1, 3, 5]


def test_protocol_input_checked_and_hq_only(district):
    base = {"level": "low", "instruction": "let_pass", "measure": "tests_only", "days": 3, "test_days": [1, 3]}
    cases = [
        ({"level": "extreme"}, "level", "unknown_choice"),
        ({"instruction": "shoot"}, "instruction", "unknown_choice"),
        ({"measure": "x"}, "measure", "unknown_choice"),
        ({"days": 0}, "days", "out_of_range"),
        ({"test_days": "1,x"}, "test_days", "invalid"),
        ({"test_days": [1, 9]}, "test_days", "out_of_range"),
    ]
    for overrides, field, code in cases:
        with pytest.raises(FieldError) as exc:
            protocol_update(actor=district.hq, **{**base, **overrides})
        assert (exc.value.field, exc.value.code) == (field, code)
    with pytest.raises(Forbidden):
        protocol_update(actor=district.street1, **base)
    assert parse_test_days(" 7, 1 ，4 ") == [1, 4, 7]


def test_settings_change_the_contact_limit(district, screening):
    settings_update(actor=district.hq, contact_limit_minutes="30", fever_threshold="37.5")
    assert ScreeningSettings.current().contact_limit_minutes == 30
    r = arrive(
        screening.staff1, screening.cp1, origin="吉林省长春市", destination_community=district.a.pk, temperature="37.4"
    )
    assert r.passage.instruction == "register_notify"  # 37.4 is under the new threshold
    assert r.followup.contact_due_at == r.passage.at + timedelta(minutes=30)
    for bad, code in (
        ({"contact_limit_minutes": "2"}, "out_of_range"),
        ({"fever_threshold": "39"}, "out_of_range"),
        ({"passage_retention_days": "x"}, "invalid"),
    ):
        with pytest.raises(FieldError) as exc:
            settings_update(actor=district.hq, **bad)
        assert (exc.value.field, exc.value.code) == (next(iter(bad)), code)
    with pytest.raises(Forbidden):
        settings_update(actor=district.worker_a, contact_limit_minutes=60)


def test_protocol_pages_and_api(district, client, api_token):
    page = district.client(district.worker_a).get("/screening/protocol/").content.decode()
    assert "High risk" in page and 'name="instruction"' not in page  # read-only for a grid worker
    hq = district.client(district.hq)
    r = hq.post(
        "/screening/protocol/",
        {
            "level": "medium",
            "instruction": "register_notify",
            "measure": "home_isolation",
            "days": "10",
            "test_days": "1,5,10",
        },
    )
    assert r.status_code == 302 and RiskProtocol.current()["medium"].days == 10
    r = district.client(district.worker_a).post("/screening/protocol/", {"contact_limit_minutes": "10"})
    assert r.status_code == 404 and ScreeningSettings.current().contact_limit_minutes == 120
    body = client.get("/api/v1/screening/protocol", **api_token(district.worker_a)).json()
    assert [level["level"] for level in body["levels"]] == ["high", "medium", "low"]
    r = client.put(
        "/api/v1/screening/settings",
        {"contact_limit_minutes": 90},
        content_type="application/json",
        **api_token(district.hq),
    )
    assert r.status_code == 200 and r.json()["settings"]["contact_limit_minutes"] == 90
    r = client.put(
        "/api/v1/screening/settings",
        {"contact_limit_minutes": 90},
        content_type="application/json",
        **api_token(district.worker_a),
    )
    assert r.status_code == 403


def test_gaps_in_cover_are_flagged(district, screening):
    now = clock.now()
    shift_create(
        actor=district.hq,
        checkpoint_id=screening.cp1.pk,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
        leader="staff1",
        staff=["staff1"],
    )
    shift_create(
        actor=district.hq,
        checkpoint_id=screening.cp1.pk,
        starts_at=now + timedelta(hours=10),
        ends_at=now + timedelta(hours=30),
        staff=["staff1"],
    )
    gaps = uncovered(screening.cp1, shifts_ahead(screening.cp1), days=1)
    kinds = [(kind, round((end - start).total_seconds() / 3600)) for start, end, kind in gaps]
    assert kinds == [("nobody", 2), ("no_leader", 14)]


def test_shift_pages_and_api(district, screening, client, api_token):
    c = district.client(district.street1)
    page = c.get("/screening/shifts/").content.decode()
    assert "高速道口" in page and "Nobody on duty" in page
    r = c.post(
        "/screening/shifts/",
        {
            "checkpoint": screening.cp1.pk,
            "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-01T16:00",
            "leader": "staff1",
            "staff": "staff1",
        },
    )
    assert r.status_code == 302
    bad = c.post(
        "/screening/shifts/",
        {
            "checkpoint": screening.cp1.pk,
            "starts_at": "2030-01-01T08:00",
            "ends_at": "2030-01-01T16:00",
            "staff": "staff2",
        },
    )
    assert "not staff of this checkpoint" in bad.content.decode()
    assert district.client(district.worker_a).get("/screening/shifts/").status_code == 404
    assert district.client(screening.staff1).get("/screening/shifts/").status_code == 404
    h = api_token(district.hq)
    start = clock.now() + timedelta(hours=1)
    r = client.post(
        f"/api/v1/checkpoints/{screening.cp2.pk}/shifts",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=8)).isoformat(),
            "leader": "staff2",
            "staff": ["staff2"],
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["leader"] == "staff2"
    listed = client.get(f"/api/v1/checkpoints/{screening.cp2.pk}/shifts", **h).json()
    assert [s["leader"] for s in listed] == ["staff2"]
    assert (
        client.get(f"/api/v1/checkpoints/{screening.cp2.pk}/shifts", **api_token(screening.staff2)).status_code == 404
    )
