"""The daily report as an official daily (issue 18): the day's figures in sentences, every code in its tables read
as its enum's label in the reader's language (never the code), the heading (issuing headquarters, the issue's
number in its year, the date), a trend on the page (ECharts' data and the server's SVG), in the PDF and as an
Excel chart."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import translation
from lxml import html as lxml_html
from openpyxl import load_workbook

from fangkong.command.models import SituationReport
from fangkong.command.situation import heading, numbers, section_approve, situation_compile, situation_publish
from fangkong.conftest import make_id_number
from fangkong.containment.cases import case_confirm
from fangkong.containment.models import IsolationSite, Transfer
from fangkong.core import clock
from fangkong.core.actors import System
from fangkong.registry.models import Unit
from fangkong.safety.models import Hazard
from fangkong.screening.models import Instruction, Measure, RiskLevel
from fangkong.screening.passages import PassageInput, passage_register
from fangkong.screening.tests.conftest import screening  # noqa: F401  (the checkpoints and risk areas)

# Codes that were printed as they are stored (issue 18), and their kin: never in what a person reads.
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:central_isolation|let_pass|register_notify|picked_up|home_isolation)\b")


def _arrive(staff, checkpoint, origin, community):
    data = PassageInput(
        direction="in", document_number=make_id_number(), name="来客", origin=origin, destination_community=community
    )
    return passage_register(actor=staff, checkpoint_id=checkpoint.pk, data=data)


@pytest.fixture
def day_of_work(district, screening):  # noqa: F811
    """A day with something in each kind of table: arrivals from a high- and a medium-risk area and from nowhere
    risky, a case, an open hazard, a transfer under way."""
    for _ in range(3):
        _arrive(screening.staff1, screening.cp1, "上海市浦东新区", district.a.pk)  # high: central isolation
    for _ in range(2):
        _arrive(screening.staff1, screening.cp1, "吉林省长春市", district.b.pk)  # medium: home
    _arrive(screening.staff1, screening.cp1, "沈阳市", district.b.pk)
    with clock.advanced(timedelta(days=-3)):
        _arrive(screening.staff1, screening.cp1, "吉林省长春市", district.b.pk)
    case = case_confirm(actor=System("test"), person_id=district.person_a.pk, source="testing")
    firm = Unit.objects.create(
        kind="enterprise", name="化工厂", code="EN", jurisdiction=district.a, jpath=district.a.path
    )
    Hazard.objects.create(
        enterprise=firm,
        grade=Hazard.Grade.MAJOR,
        description="储罐区无防火堤",
        state=Hazard.State.RECTIFYING,
        found_by=district.hq,
        deadline=clock.now() + timedelta(days=3),
        jpath=firm.jpath,
    )
    site_unit = Unit.objects.create(
        kind="isolation_site", name="隔离点", code="ISO", jurisdiction=district.d, jpath=district.d.path
    )
    site = IsolationSite.objects.create(
        name="隔离点", kind=IsolationSite.Kind.ISOLATION, capacity=40, unit=site_unit, jpath=district.d.path
    )
    Transfer.objects.create(
        person=district.person_a,
        case=case,
        pickup_address="园丁社区",
        destination=site,
        vehicle="辽L12345",
        crew="张三",
        state=Transfer.State.PICKED_UP,
        dispatched_by=district.hq,
        jpath=district.person_a.jpath,
    )
    return situation_compile(actor=district.hq)


def _texts(content: bytes) -> list[str]:
    doc = lxml_html.fromstring(content)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return [t.strip() for t in doc.xpath("//text()") if t.strip()]


def test_the_day_in_sentences_and_tables_of_labels(client, district, day_of_work, api_token):
    report = day_of_work
    arrivals = report.sections.get(key="arrivals")
    stored = arrivals.figures
    # Stored: numbers and codes only, so that a reader of any language reads it in theirs.
    assert stored["facts"]["arrivals"] == 6 and stored["facts"]["from_risk"] == 5
    assert stored["facts"][Measure.CENTRAL_ISOLATION] == 3 and stored["facts"][Measure.HOME_ISOLATION] == 2
    assert dict(map(tuple, stored["tables"]["instructions"])) == {
        Instruction.CENTRAL_ISOLATION: 3,
        Instruction.REGISTER_NOTIFY: 2,
        Instruction.LET_PASS: 1,
    }
    for language in ("en", "zh-hans"):
        c = district.client(district.hq)
        c.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        page = c.get(f"/command/situation/{report.pk}/")
        assert page.status_code == 200
        shown = {s.key: s for _n, _s, s in page.context["sections"]}
        with translation.override(language):
            central = str(Instruction.CENTRAL_ISOLATION.label)
            high = str(RiskLevel.HIGH.label)
            picked_up = str(Transfer.State.PICKED_UP.label)
            rectifying = str(Hazard.State.RECTIFYING.label)
            isolation_site = str(IsolationSite.Kind.ISOLATION.label)
        tables = {t.title: t for s in shown.values() for t in s.tables}
        instructions = shown["arrivals"].tables[0]
        assert [r[0] for r in instructions.rows] == [
            str(label) for label in _labels(language, Instruction, ["central_isolation", "register_notify", "let_pass"])
        ]
        assert [r[0] for r in shown["arrivals"].tables[1].rows] == [high, _labels(language, RiskLevel, ["medium"])[0]]
        assert shown["transfers"].tables[0].rows == [[picked_up, 1]]
        assert shown["transfers"].tables[1].rows == [[isolation_site, 1, 40, 0]]
        assert shown["hazards"].tables[0].rows == [[rectifying, 0, 1]]
        assert tables and central in page.content.decode()
        # The sentence carries the day's numbers: 6 arrivals, 5 from risk areas, 3 + 2 placed.
        assert re.findall(r"\d+", shown["arrivals"].sentence)[:3] == ["6", "0", "5"]
        text = " ".join(_texts(page.content))
        assert not CODES.search(text), (language, CODES.search(text))
        xlsx = c.get(f"/command/situation/{report.pk}.xlsx")
        cells = [
            str(v) for ws in load_workbook(io.BytesIO(xlsx.content)).worksheets for row in ws.values for v in row if v
        ]
        assert central in cells and shown["arrivals"].sentence in cells
        assert not [v for v in cells if CODES.search(v) and not re.fullmatch(r"[\d\- ]+", v)]
        api = client.get(
            f"/api/v1/situation-reports/{report.pk}", HTTP_ACCEPT_LANGUAGE=language, **api_token(district.hq)
        ).json()
        section = next(s for s in api["sections"] if s["key"] == "arrivals")
        assert section["sentence"] == shown["arrivals"].sentence
        assert section["tables"][0]["rows"][0] == [central, 3] and section["figures"][1][1] == 6


def _labels(language, enum, codes):
    with translation.override(language):
        return [str(enum(c).label) for c in codes]


def test_the_trend_is_drawn_on_the_page_in_the_pdf_and_in_the_workbook(district, day_of_work):
    report = day_of_work
    arrivals = report.sections.get(key="arrivals").figures["trend"]
    assert len(arrivals["days"]) == 14 and arrivals["days"][-1] == clock.localdate().isoformat()
    series = {s["name"]: s["values"] for s in arrivals["series"]}
    assert series["screening.arrivals"][-1] == 6 and series["screening.arrivals"][-4] == 1  # three days ago
    c = district.client(district.hq)
    page = c.get(f"/command/situation/{report.pk}/").content.decode()
    doc = lxml_html.fromstring(page)
    boxes = doc.xpath("//div[@data-chart]")
    assert boxes and "echarts" in page and "situation.js" in page  # the chart, drawn by a script of our own
    drawn = json.loads(boxes[0].get("data-chart"))
    assert drawn["series"][0]["label"] == "Arrivals" and drawn["series"][0]["values"][-1] == 6
    assert boxes[0].xpath(".//*[local-name()='svg']")  # the server's drawing until the script draws
    assert not doc.xpath("//script[not(@src)][not(@type='application/json')]")  # no inline script (CSP)
    assert not re.search(r"\sstyle=", page)  # nor inline style
    book = c.get(f"/command/situation/{report.pk}.xlsx").content
    names = zipfile.ZipFile(io.BytesIO(book)).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)  # an Excel chart over the trend's rows
    pdf = c.get(f"/command/situation/{report.pk}.pdf")
    if pdf.status_code == 503:
        pytest.skip("WeasyPrint's system libraries are not installed here")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Arrivals per day" in text and "Send to central isolation" in text
    assert not CODES.search(text)


def test_the_heading_names_the_headquarters_and_numbers_the_issues_in_their_year(client, district, api_token):
    days = [date(2022, 5, 1), date(2022, 5, 2), date(2022, 5, 3), date(2023, 1, 1)]
    reports = {d: situation_compile(actor=district.hq, day=d) for d in days}

    def publish(d):
        for s in reports[d].sections.all():
            section_approve(actor=district.hq, section_id=s.pk)
        situation_publish(actor=district.hq, report_id=reports[d].pk)

    publish(date(2022, 5, 2))
    publish(date(2022, 5, 1))  # published later, numbered later: an issue keeps its number
    publish(date(2023, 1, 1))
    issued = numbers(SituationReport.objects.all())
    assert [issued.get(reports[d].pk) for d in days] == [2, 1, None, 1]
    for r in reports.values():
        r.refresh_from_db()
    with translation.override("en"):
        head = heading(reports[date(2022, 5, 1)])
        assert district.d.name in head.issuer and head.number == "No. 2" and not head.draft
        draft = heading(reports[date(2022, 5, 3)])
        assert draft.draft and draft.number == ""
    api = client.get(f"/api/v1/situation-reports/{reports[date(2022, 5, 2)].pk}", **api_token(district.hq))
    assert api.json()["number"] == 1
    listing = district.client(district.hq).get("/command/situation/")
    assert dict((r.day, n) for r, n in listing.context["rows"]) == {
        date(2023, 1, 1): 1,
        date(2022, 5, 3): None,
        date(2022, 5, 2): 1,
        date(2022, 5, 1): 2,
    }


def test_a_recompile_keeps_the_approvals_of_the_sections_that_say_the_same(district, screening):  # noqa: F811
    report = situation_compile(actor=district.hq)
    for s in report.sections.all():
        section_approve(actor=district.hq, section_id=s.pk)
    situation_compile(actor=district.hq)
    assert not report.sections.filter(approved_at__isnull=True).exists()
    _arrive(screening.staff1, screening.cp1, "沈阳市", district.b.pk)
    situation_compile(actor=district.hq)
    assert list(report.sections.filter(approved_at__isnull=True).values_list("key", flat=True)) == ["arrivals"]
