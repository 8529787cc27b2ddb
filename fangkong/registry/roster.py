"""Reading roster files: .xlsx, and .csv in UTF-8 (with or without BOM) or GBK, as Chinese offices export them.

Yields (row number as the spreadsheet shows it, {column: text}). The header is row 1.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from fangkong.core.errors import FieldError

COLUMNS: dict[str, set[str]] = {
    "name": {"姓名", "名字", "name"},
    "document_type": {"证件类型", "document_type", "document type", "doc_type"},
    "document_number": {
        "证件号码",
        "证件号",
        "身份证号",
        "身份证号码",
        "document_number",
        "document number",
        "id_number",
    },
    "phone": {"手机号", "手机号码", "联系电话", "电话", "phone", "mobile"},
    "community": {"社区", "社区/村", "村", "社区（村）", "community"},
    "grid": {"网格", "grid"},
    "address": {"住址", "地址", "现住址", "address"},
}
REQUIRED = ("name", "document_number", "community")
# What a clerk calls each column (the roster template's header), for reports of rejected rows.
FIELD_LABELS = {
    "name": "姓名",
    "document_type": "证件类型",
    "document_number": "证件号码",
    "phone": "手机号",
    "community": "社区",
    "grid": "网格",
    "address": "住址",
    "file": "文件",
}
TEMPLATE_HEADER = ["姓名", "证件类型", "证件号码", "手机号", "社区", "网格", "住址"]
XLSX_MAGIC = b"PK\x03\x04"


def field_label(field: str) -> str:
    """The column's name as the template's header writes it, with the English name: "证件号码 document_number"."""
    label = FIELD_LABELS.get(field)
    return f"{label} {field}" if label else field


def _key(header: str) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower()


_ALIASES = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class Roster:
    columns: dict[str, int]  # our column name → index in the file
    rows: Iterator[tuple[int, list]]
    total: int  # data rows, for the progress bar (an upper bound: blank rows are skipped)


def _cell_text(column: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps numbers as doubles: an 18-digit ID typed into a number cell has lost its last digits.
        if column in ("document_number", "phone") and (value >= 1e15 or not value.is_integer()):
            raise FieldError(column, _("Excel stored this as a number and lost digits; format the column as text."))
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _decode_csv(content: bytes) -> str:
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


def _map_header(header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _ALIASES.get(_key(title))
        if column and column not in columns:
            columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FieldError(missing[0], _("The header row has no column “%(c)s”.") % {"c": missing[0]}, row=1)
    return columns


XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format, still common in offices
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def open_roster(filename: str, content: bytes) -> Roster:
    name = filename.lower()
    if content.startswith((XLSX_MAGIC, XLS_MAGIC)) or name.endswith(SPREADSHEET_SUFFIXES):
        return _open_spreadsheet(content)
    if name.endswith((".csv", ".txt")) or not name:
        return _open_csv(content)
    raise FieldError("file", _("Upload an .xlsx, .xls or .csv file."))


def _open_csv(content: bytes) -> Roster:
    text = _decode_csv(content)
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        raise FieldError("file", _("The file is empty."))
    columns = _map_header(lines[0])
    rows = ((i, line) for i, line in enumerate(lines[1:], start=2))
    return Roster(columns, rows, len(lines) - 1)


def _open_spreadsheet(content: bytes) -> Roster:
    # python-calamine (Rust) reads a 100,000-row workbook in half a second, openpyxl in six.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        values = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise FieldError("file", _("This is not a readable spreadsheet.")) from exc
    if not values:
        raise FieldError("file", _("The file is empty."))
    columns = _map_header(list(values[0]))
    rows = ((i, list(r)) for i, r in enumerate(values[1:], start=2))
    return Roster(columns, rows, len(values) - 1)


def row_values(roster: Roster, row: list) -> dict[str, str] | None:
    """{column: text} for one row, or None for a blank row. Raises FieldError for a cell that cannot be read."""
    out = {}
    for column, index in roster.columns.items():
        out[column] = _cell_text(column, row[index] if index < len(row) else None)
    if not any(out.values()):
        return None
    return out
