"""Enterprises' quarterly and yearly hazard statistics: computed, once per period, late and missing flagged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from fangkong.core import clock
from fangkong.safety.statistics import period_bounds

JSON = "application/json"


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())


def test_due_dates():
    assert period_bounds("2026Q3")[2] == at("2026-10-15T23:59")
    assert period_bounds("2026Q4")[2] == at("2027-01-15T23:59")
    assert period_bounds("2026")[2] == at("2027-01-31T23:59")


def test_filing_late_and_missing(client, district, safety, api_token):
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


def test_hazards_by_industry_overdue_list_and_export(client, district, safety, api_token):
    from io import BytesIO

    from openpyxl import load_workbook

    from fangkong.safety.hazards import hazard_create

    for enterprise, days in ((safety["plant"], 1), (safety["plant"], 30), (safety["other"], 2)):
        hazard_create(
            actor=district.hq,
            enterprise_id=enterprise.pk,
            grade="general",
            description=f"消防隐患{days}",
            deadline=clock.now() + timedelta(days=days),
        )
    with clock.advanced(timedelta(days=3)):
        hq = api_token(district.hq)  # tokens expire: one taken now
        s = client.get("/api/v1/safety/hazards/statistics", **hq).json()
        assert {r["industry"]: r["hazards"] for r in s["by_industry"]} == {"危险化学品": 2, "食品": 1}
        assert s["overdue"] == 2
        overdue = client.get("/api/v1/safety/hazards/overdue", **hq).json()
        assert [h["description"] for h in overdue["items"]] == ["消防隐患1", "消防隐患2"] and overdue["count"] == 2
        # The regulator of the emergency bureau sees its own enterprise only.
        mine = client.get("/api/v1/safety/hazards/overdue", **api_token(safety["regulator"])).json()
        assert [h["description"] for h in mine["items"]] == ["消防隐患1"]
        x = client.get("/api/v1/safety/hazards/statistics.xlsx", HTTP_ACCEPT_LANGUAGE="en", **hq)
        assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(BytesIO(x.content), read_only=True)
        assert len(wb.sheetnames) == 4
        rows = {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
        industries = rows[wb.sheetnames[2]]
        # Industries by their labels (危险化学品, 食品 in Chinese).
        assert ("Hazardous chemicals", 2, 2) in industries and ("Food processing", 1, 1) in industries
        overdue_rows = rows[wb.sheetnames[3]]
        assert len(overdue_rows) == 3 and overdue_rows[1][0] == "兴隆化工" and overdue_rows[1][5] == 2
        csv_response = client.get("/api/v1/safety/hazards/overdue.csv", **hq)
        text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
        assert text.count("\n") == 3 and "消防隐患1" in text and "兴隆化工" in text
        page_csv = district.client(district.hq).get("/safety/overdue.csv")
        assert page_csv.status_code == 200
        page = district.client(district.hq).get("/safety/statistics/")
        assert page.status_code == 200 and "Hazardous chemicals" in page.content.decode()
        assert district.client(district.hq).get("/safety/statistics.xlsx").status_code == 200
    outsider = api_token(district.worker_b)
    for url in ("statistics", "statistics.xlsx", "overdue", "overdue.csv"):
        assert client.get(f"/api/v1/safety/hazards/{url}", **outsider).status_code == 403
    assert district.client(district.worker_b).get("/safety/statistics/").status_code == 404
    assert district.client(district.worker_b).get("/safety/statistics.xlsx").status_code == 404
    assert district.client(district.worker_b).get("/safety/overdue.csv").status_code == 404


def test_period_in_other_digits_is_one_period(client, district, safety, api_token):
    from fangkong.core.errors import FieldError
    from fangkong.safety.statistics import period_clean

    assert period_clean("２０２６q3") == period_clean(" 2026Q3 ") == "2026Q3"
    with pytest.raises(FieldError) as exc:
        period_clean("٢٠٢٦Q3")
    assert (exc.value.field, exc.value.code) == ("period", "digits")
    with clock.frozen_at(at("2026-10-10T09:00")):
        ent = api_token(safety["officer"])
        first = client.post("/api/v1/safety/statistics", {"period": "2026Q3"}, content_type=JSON, **ent)
        assert first.status_code == 201
        # Stored as typed, each of these was a second filing of the same quarter.
        for typed in ("２０２６Q3", "2026q3"):
            again = client.post("/api/v1/safety/statistics", {"period": typed}, content_type=JSON, **ent)
            assert again.status_code == 400, typed
        arabic = client.post("/api/v1/safety/statistics", {"period": "٢٠٢٦Q3"}, content_type=JSON, **ent)
        assert arabic.status_code == 400 and arabic.json()["code"] == "digits"
        rows = client.get("/api/v1/safety/statistics?period=２０２６Q3", **api_token(district.hq)).json()
        assert {r["name"]: r["filed"] for r in rows}["兴隆化工"] is True


FORMULAS = ['=HYPERLINK("http://evil.example/","x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_exports_neutralise_formulas_and_survive_control_characters(client, district, safety, api_token):
    import csv
    from io import BytesIO, StringIO

    from openpyxl import load_workbook

    from fangkong.safety.hazards import hazard_create
    from fangkong.safety.models import Hazard

    for i, text in enumerate([*FORMULAS, "储罐区\x08泄漏\x1b报警器失效"]):
        h = hazard_create(
            actor=district.hq,
            enterprise_id=safety["plant"].pk,
            grade="general",
            description=f"消防隐患{i}",
            deadline=clock.now() + timedelta(days=1, minutes=i),
        )
        Hazard.objects.filter(pk=h.pk).update(description=text)  # as stored before input was cleaned
    with clock.advanced(timedelta(days=3)):
        hq = api_token(district.hq)
        x = client.get("/api/v1/safety/hazards/statistics.xlsx", **hq)
        assert x.status_code == 200  # openpyxl refused the control characters: a 500
        overdue = load_workbook(BytesIO(x.content)).worksheets[3]
        cells = [row[3] for row in overdue.iter_rows(min_row=2)]
        assert cells[-1].value == "储罐区泄漏报警器失效"
        for cell in cells[:-1]:
            assert cell.data_type != "f" and cell.value.startswith("'"), cell.value
        text = b"".join(client.get("/api/v1/safety/hazards/overdue.csv", **hq).streaming_content).decode("utf-8-sig")
        descriptions = [row[4] for row in csv.reader(StringIO(text))][1:]
        assert descriptions == [*("'" + f for f in FORMULAS), "储罐区泄漏报警器失效"]
