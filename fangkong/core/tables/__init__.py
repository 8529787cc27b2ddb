"""Reading tables people upload: .xlsx/.xls/.ods, and .csv in UTF-8 (with or without BOM) or GBK, as Chinese
offices export them. A TableSpec names the columns (with the header aliases people write) and which are required.

Rows come as (row number as the spreadsheet shows it — the header is row 1 — , raw cells).

Every file is bounded before it is read (table_check): its size; for a zip (.xlsx, .ods) the unpacked size, the
compression ratio and the number of entries, from the directory, then the used range from the sheets' own
cells (the <dimension> tag may lie); for an .xls the cells of its BIFF records; for a .csv the rows, the columns
and each cell's length. python-calamine (Rust) allocates the whole used range at once: one cell at XFD1048576 in
a 1.6 kB file asks for 549 GB and aborts the process — no exception to catch. What is too large is refused with
FieldError("file", code=Code.TOO_LARGE / "too_many_rows" / "too_many_columns"); what is malformed with "unreadable".
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import Code, FieldError
from ..text import clean_text
from ..uploads import OLE_MAGIC, ZIP_MAGIC, read_upload, unreadable
from .extent import xls_extent, zip_extent

XLSX_MAGIC = ZIP_MAGIC
XLS_MAGIC = OLE_MAGIC[:4]  # the old binary Excel format, still common in offices
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MB = 1024 * 1024
DEFAULTS = {
    "TABLE_MAX_BYTES": 50 * MB,
    "TABLE_MAX_UNPACKED_BYTES": 200 * MB,  # a 100,000-row roster written by openpyxl unpacks to 49 MB
    "TABLE_MAX_ROWS": 300_000,  # a city round's result sheet has 200,000
    "TABLE_MAX_COLUMNS": 200,
    "TABLE_MAX_CELLS": 5_000_000,  # rows × columns of the used range: what the reader allocates (~40 bytes each)
}


def table_limit(name: str) -> int:
    return int(settings.FANGKONG.get(name, DEFAULTS[name]))


def read_table_upload(upload, *, field: str = "file") -> bytes:
    """An uploaded table's bytes, refused past TABLE_MAX_BYTES without reading further."""
    return read_upload(upload, max_bytes=table_limit("TABLE_MAX_BYTES"), field=field)


def _key(header) -> str:
    return unicodedata.normalize("NFKC", str(header or "")).strip().lower()


@dataclass(frozen=True)
class TableSpec:
    columns: dict[str, set[str]]  # our column name → the header titles people use for it
    required: tuple[str, ...]
    exact_numbers: tuple[str, ...] = ()  # columns where a number cell that lost digits is an error (ID, phone)
    strict: bool = False  # an unknown header title is an error (a results file must not be guessed at)
    names: dict[str, str] = field(default_factory=dict)  # column → the header title the template writes
    aliases: dict[str, str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "aliases", {_key(a): c for c, names in self.columns.items() for a in names})

    def label(self, column: str) -> str:
        """A column as a person names it, for a rejected row's message: the template's header title, else its
        shortest Chinese title (the sheets are the district's), else its own name."""
        if column in self.names:
            return self.names[column]
        titles = sorted(self.columns.get(column, ()), key=lambda n: (len(n), n))
        return next((n for n in titles if any("\u4e00" <= ch <= "\u9fff" for ch in n)), column)


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
            raise FieldError(
                column,
                _("Excel stored this as a number and lost digits; format the column as text."),
                code=Code.INVALID,
            )
        return str(int(value)) if value.is_integer() else str(value)
    # Control characters out, as from any form: a cell is typed input like any other (a NUL is refused by
    # PostgreSQL, the others break every later .xlsx export of the row).
    return clean_text(str(value)).strip()


def decode_text(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise unreadable("file", _("The file is neither UTF-8 nor GBK text.")) from exc
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # GB18030 is a superset of GBK and GB2312, what Excel on Chinese Windows writes.
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise unreadable("file", _("The file is neither UTF-8 nor GBK text.")) from exc


def _map_header(spec: TableSpec, header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        column = spec.aliases.get(_key(title))
        if column and column not in columns:
            columns[column] = index
        elif spec.strict and _key(title) and not column:
            raise FieldError(
                "file",
                _("Unknown column “%(c)s”.") % {"c": clean_text(str(title)).strip()[:50]},
                row=1,
                code=Code.UNKNOWN_CHOICE,
            )
    missing = [c for c in spec.required if c not in columns]
    if missing:
        raise FieldError(
            missing[0], _("The header row has no column “%(c)s”.") % {"c": missing[0]}, row=1, code=Code.MISSING_COLUMN
        )
    return columns


def open_table(spec: TableSpec, filename: str, content: bytes) -> Table:
    """The table in an uploaded file, checked as table_check says before anything reads it."""
    lines = _checked(filename, content)
    if lines is None:
        lines = _spreadsheet_rows(content)
    if not lines:
        raise FieldError("file", _("The file is empty."), code=Code.EMPTY)
    columns = _map_header(spec, list(lines[0]))
    rows = ((i, list(r)) for i, r in enumerate(lines[1:], start=2))
    return Table(spec, columns, rows, len(lines) - 1)


def table_check(filename: str, content: bytes) -> None:
    """Refuse (FieldError on "file") a file that is too large to read or is no table we read. Cheap next to
    reading it: a page checks an upload before it queues the import."""
    _checked(filename, content)


def _checked(filename: str, content: bytes) -> list[list[str]] | None:
    """A CSV file's rows, or None for a spreadsheet found safe to hand to the reader; FieldError otherwise."""
    name = (filename or "").lower()
    max_bytes = table_limit("TABLE_MAX_BYTES")
    if len(content) > max_bytes:
        raise FieldError(
            "file", _("The file is larger than %(mb)d MB; split it.") % {"mb": max_bytes // MB}, code=Code.TOO_LARGE
        )
    if content.startswith(ZIP_MAGIC):
        _check_extent(*zip_extent(content))
        return None
    if content.startswith(OLE_MAGIC):
        _check_extent(*xls_extent(content))
        return None
    if name.endswith(SPREADSHEET_SUFFIXES):
        # Named a spreadsheet, made of something else (a program renamed .xlsx, a web page saved as .xls).
        raise unreadable("file", _("This is not a readable spreadsheet."))
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(content)
    raise FieldError("file", _("Upload an .xlsx, .xls or .csv file."), code=Code.UNSUPPORTED_TYPE)


def _too_many_rows(rows: int) -> FieldError:
    return FieldError(
        "file",
        _("The sheet has %(n)s rows; at most %(max)s are read. Split it.")
        % {"n": f"{rows:,}", "max": f"{table_limit('TABLE_MAX_ROWS'):,}"},
        code=Code.TOO_MANY_ROWS,
    )


def _too_many_columns(columns: int) -> FieldError:
    return FieldError(
        "file",
        _("The sheet has %(n)s columns; at most %(max)s are read.")
        % {"n": f"{columns:,}", "max": f"{table_limit('TABLE_MAX_COLUMNS'):,}"},
        code=Code.TOO_MANY_COLUMNS,
    )


def _check_extent(rows: int, columns: int) -> None:
    if rows > table_limit("TABLE_MAX_ROWS"):
        raise _too_many_rows(rows)
    if columns > table_limit("TABLE_MAX_COLUMNS"):
        raise _too_many_columns(columns)
    if rows * columns > table_limit("TABLE_MAX_CELLS"):
        raise FieldError(
            "file",
            _(
                "The sheet's used range (%(r)s rows × %(c)s columns) is too large; "
                "delete the stray cells far from the table."
            )
            % {"r": f"{rows:,}", "c": f"{columns:,}"},
            code=Code.TOO_LARGE,
        )


# ---------------------------------------------------------------- .csv


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise unreadable("file", _("This is not a text file (it holds NUL bytes)."))
    text = decode_text(content)
    max_rows, max_columns = table_limit("TABLE_MAX_ROWS"), table_limit("TABLE_MAX_COLUMNS")
    lines: list[list[str]] = []
    try:
        for line in csv.reader(io.StringIO(text, newline="")):
            if len(line) > max_columns:
                raise _too_many_columns(len(line))
            lines.append(line)
            if len(lines) > max_rows:
                raise _too_many_rows(len(lines))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FieldError(
                "file",
                _("A cell is longer than %(n)s characters.") % {"n": f"{csv.field_size_limit():,}"},
                row=len(lines) + 1,
                code=Code.TOO_LARGE,
            ) from exc
        raise unreadable("file", _("This is not a readable CSV file.")) from exc
    return lines


def _spreadsheet_rows(content: bytes) -> list:
    # python-calamine (Rust) reads a 100,000-row workbook in half a second, openpyxl in six. It is handed only
    # what table_check has bounded.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        )
    except (CalamineError, ValueError, IndexError, OSError, KeyError, TypeError, OverflowError) as exc:
        raise unreadable("file", _("This is not a readable spreadsheet.")) from exc
    except BaseException as exc:
        # A panic in the Rust code arrives as pyo3's PanicException, a BaseException: a bad file, not a crash.
        if type(exc).__name__ == "PanicException":
            raise unreadable("file", _("This is not a readable spreadsheet.")) from exc
        raise
