"""Checklists: the 15 measures built in; imports versioned; duplicate codes refused with the row."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fangkong.conftest import make_user
from fangkong.registry.models import Unit
from fangkong.safety.models import Checklist


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "检查内容", "类别", "隐患等级"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_built_in_measures_and_versioned_imports(client, district, api_token):
    dept = Unit.objects.create(
        kind="department", name="区应急管理局", code="YJ", jurisdiction=district.d, jpath=district.d.path
    )
    reg = api_token(make_user("reg", "safety_regulator", unit=dept))
    lists = client.get("/api/v1/safety/checklists", **reg).json()
    assert lists[0]["code"] == "state-council-15" and lists[0]["items"] == 15
    ok = _sheet([["1", "消防通道畅通", "消防", "一般"], ["2", "液氨储罐压力表检定", "危化", "重大"]])
    r = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"name": "区85条", "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["items"] == 2
    again = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"name": "区85条", "file": SimpleUploadedFile("r.xlsx", ok)},
        **reg,
    )
    assert again.json()["version"] == 2
    dup = _sheet([["1", "甲", "", "一般"], ["1", "乙", "", "一般"]])
    bad = client.post(
        "/api/v1/safety/checklists/district-85:import",
        {"file": SimpleUploadedFile("d.xlsx", dup)},
        HTTP_ACCEPT_LANGUAGE="en",
        **reg,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 3 and "also on row 2" in bad.json()["detail"]
    assert Checklist.objects.filter(code="district-85").count() == 2
    assert (
        client.post(
            "/api/v1/safety/checklists/x:import",
            {"file": SimpleUploadedFile("r.xlsx", ok)},
            **api_token(district.worker_a),
        ).status_code
        == 403
    )
