"""The daily situation report: compiled from the modules, sections approved by HQ, published, exported."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from fangkong.command.directives import directive_issue
from fangkong.containment.cases import case_confirm
from fangkong.core import clock
from fangkong.core.actors import System

JSON = "application/json"


def test_compile_approve_publish_and_export(client, district, api_token):
    case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    directive_issue(
        actor=district.hq, title="x", deadline=clock.now() + timedelta(hours=1), recipients=[district.s1.pk]
    )
    hq = api_token(district.hq)
    r = client.post("/api/v1/situation-reports", {}, content_type=JSON, **hq)
    assert r.status_code == 201 and r.json()["state"] == "draft"
    report = r.json()
    positives = next(s for s in report["sections"] if s["key"] == "positives")
    assert positives["figures"][0][1] == 1  # confirmed today
    early = client.post(f"/api/v1/situation-reports/{report['id']}/publish", **hq)
    assert early.status_code == 400 and early.json()["code"] == "wrong_state"
    street = api_token(district.street1)
    assert (
        client.post(
            f"/api/v1/situation-reports/sections/{positives['id']}/text",
            {"text": "新增1例，已转运"},
            content_type=JSON,
            **street,
        ).status_code
        == 200
    )
    assert (
        client.post(f"/api/v1/situation-reports/sections/{positives['id']}/approve", **street).status_code == 403
    )  # a controller approves: district HQ
    for s in report["sections"]:
        assert client.post(f"/api/v1/situation-reports/sections/{s['id']}/approve", **hq).status_code == 200
    published = client.post(f"/api/v1/situation-reports/{report['id']}/publish", **hq)
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = client.post("/api/v1/situation-reports", {}, content_type=JSON, **hq)
    assert again.status_code == 400 and again.json()["code"] == "published"
    words = client.post(
        f"/api/v1/situation-reports/sections/{positives['id']}/text", {"text": "补充"}, content_type=JSON, **street
    )
    assert words.status_code == 400 and words.json()["errors"][0] == {
        "field": "text",
        "message": words.json()["errors"][0]["message"],
        "code": "published",
    }
    page = district.client(district.hq)
    xlsx = page.get(f"/command/situation/{report['id']}.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any(row[0] == "新增1例，已转运" for row in sheet.iter_rows(values_only=True))
    pdf = page.get(f"/command/situation/{report['id']}.pdf")
    if pdf.status_code == 503:
        pytest.skip("WeasyPrint's system libraries are not installed here")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/situation-reports/{report['id']}", **api_token(district.worker_b)).status_code == 404


def test_situation_workbook_quotes_formulas_and_drops_controls(district):
    from datetime import date

    from fangkong.command.models import SituationReport, SituationSection
    from fangkong.command.situation import as_xlsx

    report = SituationReport.objects.create(day=date(2022, 5, 1), compiled_by=district.hq)
    SituationSection.objects.create(
        report=report,
        key="cases",
        order=1,
        title="@疫情",
        figures=[["新增", 3], ["=1+1", -1]],
        text="=cmd|' /c calc'!A0\x01",
    )
    book = load_workbook(io.BytesIO(as_xlsx(report)))
    cover = list(book.worksheets[0].iter_rows())
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows()]
    values = [[c.value for c in row if c.value is not None] for row in rows]
    # A section compiled before the sections were worded keeps its [label, value] rows, on its own sheet.
    assert ["'@疫情"] in values and ["新增", 3] in values and ["'=1+1", -1] in values
    assert ["'=cmd|' /c calc'!A0"] in values
    assert all(c.data_type != "f" for row in rows for c in row)
    assert cover[0][0].font.b and cover[0][0].font.sz == 14  # the title still stands out


def test_sections_keep_every_version_and_who_wrote_it(client, district, api_token):
    hq, street = api_token(district.hq), api_token(district.street1)
    report = client.post("/api/v1/situation-reports", {}, content_type=JSON, **hq).json()
    section = report["sections"][0]
    url = f"/api/v1/situation-reports/sections/{section['id']}"
    first = client.post(f"{url}/text", {"text": "初稿：新增1例"}, content_type=JSON, **street).json()
    assert first["written_by"] == "street1"
    assert client.post(f"{url}/approve", **hq).json()["approved"] is True
    again = client.post(f"{url}/text", {"text": "初稿：新增1例"}, content_type=JSON, **street).json()
    assert again["approved"] is True  # saved unchanged: no new version, the approval stands
    second = client.post(f"{url}/text", {"text": "修订：新增1例，已转运"}, content_type=JSON, **hq).json()
    assert second["written_by"] == "hq" and second["approved"] is False  # an edit lapses the approval
    versions = client.get(f"{url}/versions", **hq).json()
    assert [(v["number"], v["written_by"], v["text"]) for v in versions] == [
        (2, "hq", "修订：新增1例，已转运"),
        (1, "street1", "初稿：新增1例"),
    ]
    assert client.get(f"{url}/versions", **api_token(district.worker_a)).status_code == 404
    page = district.client(district.hq).get(f"/command/situation/{report['id']}/").content.decode()
    assert "Written by hq" in page and "2 versions" in page and "初稿：新增1例" in page


def test_the_pages_read_their_forms_through_the_apis_schemas(district):
    from fangkong.command.models import SituationReport, SituationSectionVersion

    hq = district.client(district.hq)
    unread = hq.post("/command/situation/", {"day": "昨天"}, follow=True)
    assert "This value cannot be read; check it." in unread.content.decode()
    assert not SituationReport.objects.exists()
    day = (clock.localdate() - timedelta(days=1)).isoformat()
    compiled = hq.post("/command/situation/", {"day": day})
    report = SituationReport.objects.get()
    assert compiled.status_code == 302 and report.day.isoformat() == day  # a day named by the form
    section = report.sections.first()
    hq.post(f"/command/situation/{report.pk}/", {"action": "write", "section": section.pk, "text": "平稳"})
    assert SituationSectionVersion.objects.get(section=section).text == "平稳"
    blank = hq.post(f"/command/situation/{report.pk}/", {"action": "write", "section": section.pk}, follow=True)
    assert "This field is required." in blank.content.decode()
