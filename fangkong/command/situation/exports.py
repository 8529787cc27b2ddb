"""The report exported: a workbook (the report's words on the first sheet, then a sheet per section with its
figures, tables and trend, drawn as an Excel chart) and a PDF (WeasyPrint; the trend drawn as SVG on the
server). Both in the language of the request, as the page."""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..models import SituationReport
from .contract import Chart, Shown
from .document import heading, ordinal, show

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(n: int, title: str) -> str:
    """A sheet's name: numbered (unique), without the characters Excel refuses, at most 31 characters."""
    return f"{n} {_SHEET_UNSAFE.sub(' ', title)}"[:31].strip()


class _Sheet:
    """What openpyxl's chart references need of a sheet (its title) before the write-only sheet exists."""

    def __init__(self, title: str):
        self.title = title


def _excel_chart(sheet: str, chart: Chart, header_row: int) -> Any:
    """An Excel chart over the trend's rows (days in column A, a series per column from B): bars and lines as the
    hall draws them."""
    from openpyxl.chart import BarChart, LineChart, Reference

    last = header_row + len(chart.days)
    ws = _Sheet(sheet)
    bars, lines = BarChart(), LineChart()
    for k, series in enumerate(chart.series):
        data = Reference(ws, min_col=2 + k, min_row=header_row, max_row=last)
        (bars if series.kind == "bar" else lines).add_data(data, titles_from_data=True)
    days = Reference(ws, min_col=1, min_row=header_row + 1, max_row=last)
    drawn = [c for c in (bars, lines) if c.series]
    for c in drawn:
        c.set_categories(days)
    combined = drawn[0]
    if len(drawn) == 2:
        combined += drawn[1]
    combined.title = chart.title
    combined.height, combined.width = 7.5, 16
    return combined


def _section_sheet(n: int, shown: Shown, words: str):
    from fangkong.core.xlsx import Sheet, Styled

    title = _sheet_title(n, shown.title)
    rows: list[list[Any]] = [[Styled(shown.title, size=12)]]
    if shown.sentence:
        rows.append([shown.sentence])
    if words:
        rows.append([words])
    if shown.figures:
        rows += [[], [Styled(_("Figures"))], *([label, value] for label, value in shown.figures)]
    for table in shown.tables:
        rows += [[], [Styled(table.title)], [Styled(c) for c in table.columns], *table.rows]
    charts = []
    if shown.chart:
        chart = shown.chart
        rows += [[], [Styled(chart.title)]]
        rows.append([Styled(_("Day")), *(Styled(s.label) for s in chart.series)])
        header_row = len(rows)
        rows += [[d.isoformat(), *(s.values[i] for s in chart.series)] for i, d in enumerate(chart.days)]
        charts.append((f"E{header_row}", _excel_chart(title, chart, header_row)))
    return Sheet(title, rows, widths={"A": 40, "B": 16, "C": 16, "D": 16}, charts=charts)


def as_xlsx(report: SituationReport) -> bytes:
    from fangkong.core.xlsx import Sheet, Styled, workbook_sheets

    head = heading(report)
    sections = [(s, show(s)) for s in report.sections.all()]
    cover: list[list[Any]] = [
        [Styled(head.title, size=14)],
        [head.number or _("Draft: numbered when published")],
        [head.issuer, head.date],
    ]
    for n, (section, shown) in enumerate(sections, start=1):
        cover += [[], [Styled(ordinal(n) + shown.title)]]
        if shown.sentence:
            cover.append([shown.sentence])
        if section.text:
            cover.append([section.text])
    sheets = [Sheet(_("Daily report"), cover, widths={"A": 100, "B": 20})]
    sheets += [_section_sheet(n, shown, section.text) for n, (section, shown) in enumerate(sections, start=1)]
    return workbook_sheets(sheets)


def as_pdf(report: SituationReport) -> bytes:
    """The report as PDF (WeasyPrint; Chinese needs a CJK font on the server, e.g. Debian's fonts-noto-cjk)."""
    from weasyprint import HTML

    sections = [(ordinal(n), s, show(s)) for n, s in enumerate(report.sections.all(), start=1)]
    html = render_to_string(
        "command/situation_print.html", {"report": report, "head": heading(report), "sections": sections}
    )
    return HTML(string=html).write_pdf()
