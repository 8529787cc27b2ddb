"""Lists to .xlsx (sheets of rows, values as they are shown on the page, masked) and to .csv, and the download
responses. Every export goes through workbook_bytes/workbook_sheets or csv_chunks, so that every cell is made
safe here, once:

- Text that a spreadsheet would run as a formula (it starts with = + - @, or a tab or carriage return before
  them) gets a leading apostrophe, as OWASP advises for CSV injection: a person named "=HYPERLINK(...)" is shown
  as that text, not as a link that sends the sheet elsewhere. Numbers stay numbers (-3 stored as a number is not
  text and is written as it is).
- Control characters are dropped (core.text.clean_text): openpyxl refuses most of them, and one such character
  stored before input was cleaned would otherwise make every later export of the list fail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .text import clean_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What starts a formula in Excel, LibreOffice or WPS (the full-width forms too: WPS reads them), and the
# blanks that may precede one.
_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def safe_text(value: str) -> str:
    """A string as a cell may hold it: without control characters, never read as a formula."""
    value = clean_text(value)
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


@dataclass(frozen=True)
class Styled:
    """A cell value written in bold (or another size): titles of a report sheet."""

    value: Any
    bold: bool = True
    size: float | None = None


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence]
    header: Sequence | None = None
    widths: dict[str, float] = field(default_factory=dict)  # column letter → width in characters
    charts: list[tuple[str, Any]] = field(default_factory=list)  # (anchor cell, openpyxl chart over this sheet's rows)


def workbook_bytes(title: str, header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """One sheet: a header row, then the rows (any iterable: a generator keeps memory flat)."""
    return workbook_sheets([Sheet(title, rows, header)])


def workbook_sheets(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of several sheets, streamed (openpyxl's write-only mode keeps memory flat however long)."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(str(spec.title)[:31])
        for column, width in spec.widths.items():
            sheet.column_dimensions[column].width = width
        if spec.header is not None:
            sheet.append([_cell(sheet, h) for h in spec.header])
        for row in spec.rows:
            sheet.append([_cell(sheet, v) for v in row])
        for anchor, chart in spec.charts:
            sheet.add_chart(chart, anchor)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value):
    if value.__class__ is str:
        return safe_text(value)
    if isinstance(value, str | Promise):  # a lazily translated label, a str subclass (SafeString, a choice)
        return safe_text(str(value))
    if isinstance(value, Styled):
        cell = WriteOnlyCell(sheet, value=_cell(sheet, value.value))
        cell.font = Font(bold=value.bold, size=value.size)
        return cell
    # openpyxl refuses timezone-aware datetimes; the district reads local time.
    if getattr(value, "tzinfo", None) is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_chunks(header: Sequence, rows: Iterable[Sequence], *, rows_per_chunk: int = 2000) -> Iterator[str]:
    """A CSV file as text chunks for csv_response: a byte-order mark first (so Excel reads UTF-8), the header,
    then the rows, each text cell made safe as in workbooks; pulled from `rows` as the download proceeds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([_csv_cell(h) for h in header])
    for i, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(v) for v in row])
        if i % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value):
    if isinstance(value, str | Promise):
        return safe_text(str(value))
    return value


def csv_response(filename: str, chunks: Iterable[str]) -> StreamingHttpResponse:
    """A CSV download streamed from `chunks` (made by csv_chunks, which makes every cell safe)."""
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
