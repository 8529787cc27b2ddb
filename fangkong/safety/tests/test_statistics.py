"""Enterprises' quarterly and yearly hazard statistics: computed, once per period, late and missing flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from fangkong.core import clock
from fangkong.safety.statistics import period_bounds

from .test_hazards import safety  # noqa: F401  (the fixture)

JSON = "application/json"


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())


def test_due_dates():
    assert period_bounds("2026Q3")[2] == at("2026-10-15T23:59")
    assert period_bounds("2026Q4")[2] == at("2027-01-15T23:59")
    assert period_bounds("2026")[2] == at("2027-01-31T23:59")


def test_filing_late_and_missing(client, district, safety, api_token):  # noqa: F811
    with clock.frozen_at(at("2026-08-01T10:00")):
        reg = api_token(safety["regulator"])
        client.post(
            "/api/v1/safety/hazards",
            {
                "enterprise_id": safety["plant"].pk,
                "grade": "major",
                "description": "储罐区泄漏报警器失效",
                "deadline": (clock.now() + timedelta(days=5)).isoformat(),
            },
            content_type=JSON,
            **reg,
        )
    with clock.frozen_at(at("2026-10-10T09:00")):
        ent = api_token(safety["officer"])
        r = client.post("/api/v1/safety/statistics", {"period": "2026Q3"}, content_type=JSON, **ent)
        assert r.status_code == 201 and r.json()["figures"] == {"found": 1, "major": 1, "closed": 0, "open_at_end": 1}
        assert r.json()["late"] is False
        again = client.post("/api/v1/safety/statistics", {"period": "2026Q3"}, content_type=JSON, **ent)
        assert again.status_code == 400
        early = client.post("/api/v1/safety/statistics", {"period": "2026Q4"}, content_type=JSON, **ent)
        assert early.status_code == 400
    with clock.frozen_at(at("2026-10-20T09:00")):
        rows = client.get("/api/v1/safety/statistics?period=2026Q3", **api_token(district.hq)).json()
        by = {r["name"]: r for r in rows}
        assert by["兴隆化工"]["filed"] and not by["兴隆化工"]["late"]
        assert by["胜利食品"]["missing"]
        late = client.post(
            "/api/v1/safety/statistics", {"period": "2026Q3"}, content_type=JSON, **api_token(safety["other_officer"])
        )
        assert late.json()["late"] is True
    assert (
        client.post(
            "/api/v1/safety/statistics", {"period": "2026Q3"}, content_type=JSON, **api_token(district.worker_a)
        ).status_code
        == 403
    )
