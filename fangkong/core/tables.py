"""Reading tables people upload: .xlsx/.xls/.ods, and .csv in UTF-8 (with or without BOM) or GBK, as Chinese
offices export them. A TableSpec names the columns (with the header aliases people write) and which are required.

Rows come as (row number as the spreadsheet shows it — the header is row 1 — , raw cells).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import FieldError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format, still common in offices
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _key(header) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower()


@dataclass(frozen=True)
class TableSpec:
    columns: dict[str, set[str]]  # our column name → the header titles people use for it
    required: tuple[str, ...]
    exact_numbers: tuple[str, ...] = ()  # columns where a number cell that lost digits is an error (ID, phone)
    strict: bool = False  # an unknown header title is an error (a results file must not be guessed at)
    aliases: dict[str, str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "aliases", {_key(a): c for c, names in self.columns.items() for a in names})


@dataclass
class Table:
    spec: TableSpec
    columns: dict[str, int]  # our column name → index in the file
    rows: Iterator[tuple[int, list]]
    total: int  # data rows (an upper bound: blank rows are skipped)

    def values(self, row: list) -> dict[str, str] | None:
        """{column: text} for one row, or None for a blank row. Raises FieldError for a cell that cannot be read."""
        out = {c: _cell_text(self.spec, c, row[i] if i < len(row) else None) for c, i in self.columns.items()}
        return out if any(out.values()) else None


def _cell_text(spec: TableSpec, column: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps numbers as doubles: an 18-digit ID typed into a number cell has lost its last digits.
        if column in spec.exact_numbers and (value >= 1e15 or not value.is_integer()):
            raise FieldError(column, _("Excel stored this as a number and lost digits; format the column as text."))
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def decode_text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # GB18030 is a superset of GBK and GB2312, what Excel on Chinese Windows writes.
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FieldError("file", _("The file is neither UTF-8 nor GBK text.")) from exc


def _map_header(spec: TableSpec, header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        column = spec.aliases.get(_key(title))
        if column and column not in columns:
            columns[column] = index
        elif spec.strict and _key(title) and not column:
            raise FieldError("file", _("Unknown column “%(c)s”.") % {"c": str(title).strip()}, row=1)
    missing = [c for c in spec.required if c not in columns]
    if missing:
        raise FieldError(missing[0], _("The header row has no column “%(c)s”.") % {"c": missing[0]}, row=1)
    return columns


def open_table(spec: TableSpec, filename: str, content: bytes) -> Table:
    name = (filename or "").lower()
    if content.startswith((XLSX_MAGIC, XLS_MAGIC)) or name.endswith(SPREADSHEET_SUFFIXES):
        lines = _spreadsheet_rows(content)
    elif name.endswith((".csv", ".txt")) or not name:
        lines = list(csv.reader(io.StringIO(decode_text(content), newline="")))
    else:
        raise FieldError("file", _("Upload an .xlsx, .xls or .csv file."))
    if not lines:
        raise FieldError("file", _("The file is empty."))
    columns = _map_header(spec, list(lines[0]))
    rows = ((i, list(r)) for i, r in enumerate(lines[1:], start=2))
    return Table(spec, columns, rows, len(lines) - 1)


def _spreadsheet_rows(content: bytes) -> list:
    # python-calamine (Rust) reads a 100,000-row workbook in half a second, openpyxl in six.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        )
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise FieldError("file", _("This is not a readable spreadsheet.")) from exc
