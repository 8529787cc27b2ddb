"""Reading tables people upload: .xlsx/.xls/.ods, and .csv in UTF-8 (with or without BOM) or GBK, as Chinese
offices export them. A TableSpec names the columns (with the header aliases people write) and which are required.

Rows come as (row number as the spreadsheet shows it — the header is row 1 — , raw cells).

Every file is bounded before it is read (table_check): its size; for a zip (.xlsx, .ods) the unpacked size, the
compression ratio and the number of entries, from the directory, then the used range from the sheets' own
cells (the <dimension> tag may lie); for an .xls the cells of its BIFF records; for a .csv the rows, the columns
and each cell's length. python-calamine (Rust) allocates the whole used range at once: one cell at XFD1048576 in
a 1.6 kB file asks for 549 GB and aborts the process — no exception to catch. What is too large is refused with
FieldError("file", code="too_large" / "too_many_rows" / "too_many_columns"); what is malformed with "unreadable".
"""

from __future__ import annotations

import csv
import io
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FieldError
from .text import ascii_digits, clean_text
from .uploads import OLE_MAGIC, ZIP_MAGIC, CompoundFile, read_upload, unreadable, zip_entries, zip_read

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
            raise FieldError("file", _("Unknown column “%(c)s”.") % {"c": clean_text(str(title)).strip()[:50]}, row=1)
    missing = [c for c in spec.required if c not in columns]
    if missing:
        raise FieldError(
            missing[0], _("The header row has no column “%(c)s”.") % {"c": missing[0]}, row=1, code="missing_column"
        )
    return columns


def open_table(spec: TableSpec, filename: str, content: bytes) -> Table:
    """The table in an uploaded file, checked as table_check says before anything reads it."""
    lines = _checked(filename, content)
    if lines is None:
        lines = _spreadsheet_rows(content)
    if not lines:
        raise FieldError("file", _("The file is empty."), code="empty")
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
            "file", _("The file is larger than %(mb)d MB; split it.") % {"mb": max_bytes // MB}, code="too_large"
        )
    if content.startswith(ZIP_MAGIC):
        _check_extent(*_zip_extent(content))
        return None
    if content.startswith(OLE_MAGIC):
        _check_extent(*_xls_extent(content))
        return None
    if name.endswith(SPREADSHEET_SUFFIXES):
        # Named a spreadsheet, made of something else (a program renamed .xlsx, a web page saved as .xls).
        raise unreadable("file", _("This is not a readable spreadsheet."))
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(content)
    raise FieldError("file", _("Upload an .xlsx, .xls or .csv file."), code="unsupported_type")


def _too_many_rows(rows: int) -> FieldError:
    return FieldError(
        "file",
        _("The sheet has %(n)s rows; at most %(max)s are read. Split it.")
        % {"n": f"{rows:,}", "max": f"{table_limit('TABLE_MAX_ROWS'):,}"},
        code="too_many_rows",
    )


def _too_many_columns(columns: int) -> FieldError:
    return FieldError(
        "file",
        _("The sheet has %(n)s columns; at most %(max)s are read.")
        % {"n": f"{columns:,}", "max": f"{table_limit('TABLE_MAX_COLUMNS'):,}"},
        code="too_many_columns",
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
            code="too_large",
        )


# ---------------------------------------------------------------- .xlsx and .ods: the cells' positions

# Every attribute r="<letters><digits>" anywhere — a cell's reference (r="XFD1048576") or a row's number
# (r="1048576") — whatever the element, its prefix or the quoting: the reader takes a cell's position from it.
# Counting more than the cells only errs on the side of refusing.
# (The literal "r" first keeps the search fast; the look-behind then refuses "dir=" and "x:r=".)
_REF = re.compile(rb"r(?<![\w:.\-]r)\s*=\s*[\"']?\s*([A-Za-z]*[0-9]+)")
_DIGITS, _LETTERS = b"0123456789", bytes(range(65, 91)) + bytes(range(97, 123))
# A cell element the reader may place without an r attribute (after the previous cell) needs the element walk
# (_xml_extent). Cheap test first: a cell tag whose first attribute is not r, or a prefixed cell tag (<x:c>).
_CELL_NOT_R_FIRST = re.compile(rb"<c(?![ \t\r\n]+r[ \t\r\n]*=)[ \t\r\n/>]")
_PREFIXED_CELL = re.compile(rb":c[ \t\r\n/>]")
# Then the exact one: a cell tag that is not a complete, well-formed tag with an r attribute.
_VALUE = rb"""(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`/]+)"""
_ATTR = rb"""\s*[^\s=/>"'<]+\s*=\s*""" + _VALUE
_ATTR_NOT_R = rb"""\s*(?!r\s*=)[^\s=/>"'<]+\s*=\s*""" + _VALUE
_CELL_WITHOUT_REF = re.compile(
    rb"<c(?=[\s/>])(?!(?:" + _ATTR_NOT_R + rb")*\s*r\s*=\s*" + _VALUE + rb"(?:" + _ATTR + rb")*\s*/?>)"
)
_CARRY_MAX = 8 * MB  # a stretch of XML without "<" longer than this is no cell table


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:
        n = n * 26 + ch - 64
    return n if len(letters) <= 8 else 1 << 40


def _zip_extent(content: bytes) -> tuple[int, int]:
    """(rows, columns) of the largest used range any sheet of the workbook could have."""
    entries = zip_entries(content)
    names = {e.name for e in entries}
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise unreadable("file", _("This is not a readable spreadsheet."))
    if any(n.lower().endswith("workbook.bin") for n in names):
        # The binary workbook (.xlsb): its cells are not XML this check could read.
        raise unreadable("file", _("Save the workbook as .xlsx."))
    rows = columns = 0
    # Every entry, not only those named like sheets: the workbook's relations may put its first sheet anywhere.
    for entry in entries:
        if not entry.size:
            continue
        r, c = _refs_extent(content, entry)
        if entry.name.lower().endswith("content.xml"):
            r2, c2 = _ods_extent(zip_read(content, entry))
            r, c = max(r, r2), max(c, c2)
        rows, columns = max(rows, r), max(columns, c)
    return rows, columns


def _refs_extent(content: bytes, entry) -> tuple[int, int]:
    rows, letters, walk = 0, set(), False
    for piece in _xml_pieces(zip_read(content, entry)):
        refs = _REF.findall(piece)
        if refs:
            # Split at C speed: the digits and the letters of all references, separated by spaces.
            joined = b" ".join(refs)
            rows = max(rows, _max_number(joined.translate(None, _LETTERS).split()))
            letters.update(joined.translate(None, _DIGITS).split())
        if not walk and (
            _PREFIXED_CELL.search(piece) or (_CELL_NOT_R_FIRST.search(piece) and _CELL_WITHOUT_REF.search(piece))
        ):
            walk = True
    columns = max(map(_column_number, letters), default=0)
    if walk:
        r, c = _xml_extent(zip_read(content, entry))
        rows, columns = max(rows, r), max(columns, c)
    return rows, columns


def _xml_pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The XML cut just before a "<": no attribute (which cannot hold a "<") is split between two pieces."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            if len(buffer) > _CARRY_MAX:
                raise unreadable("file")
            carry = buffer
            continue
        yield buffer[:cut]
        carry = buffer[cut:]
    if carry:
        yield carry


_XML_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _pull(chunks: Iterable[bytes], events: tuple[str, ...]):
    from lxml import etree

    parser = etree.XMLPullParser(events=events, **_XML_OPTIONS)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from parser.read_events()
        parser.close()
        yield from parser.read_events()
    except etree.XMLSyntaxError as exc:
        raise unreadable("file") from exc


def _drop(element) -> None:
    # What has been counted goes, so that memory stays flat however long the sheet.
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _xml_extent(chunks: Iterable[bytes]) -> tuple[int, int]:
    """A sheet's used range walked element by element as the reader places cells: a row's r or the next row,
    a cell's r or the next column; a cell with a value, formula or inline string counts."""
    row = column = rows = columns = 0
    for event, element in _pull(chunks, ("start", "end")):
        local = _local(element.tag)
        if local == "row":
            if event == "start":
                number = element.get("r")
                row = _number(number) if number else row + 1
                column = 0
            else:
                _drop(element)
        elif local == "c":
            if event == "start":
                ref = element.get("r")
                if ref:
                    match = re.fullmatch(r"\s*([A-Za-z]*)([0-9]+)\s*", ref)
                    if not match:
                        raise unreadable("file")
                    row = _number(match.group(2))
                    column = _column_number(match.group(1).encode()) if match.group(1) else column + 1
                else:
                    column += 1
            elif len(element):
                rows, columns = max(rows, row), max(columns, column)
    return rows, columns


def _number(text: str) -> int:
    text = text.strip()
    if not ascii_digits(text):
        raise unreadable("file")
    return _digits(text.encode())


def _max_number(tokens: list[bytes]) -> int:
    try:
        return max(map(int, tokens), default=0)
    except ValueError:  # more digits than Python converts (4,300): far beyond any sheet
        return 1 << 40


def _digits(digits: bytes) -> int:
    """A run of ASCII digits as a number; leading zeros aside, more than 11 digits is beyond any sheet."""
    digits = digits.lstrip(b"0") or b"0"
    return int(digits) if len(digits) < 12 else 1 << 40


def _ods_extent(chunks: Iterable[bytes]) -> tuple[int, int]:
    """An OpenDocument sheet's used range: rows and cells repeat (number-rows-repeated, number-columns-repeated);
    a row or cell repeated a million times costs nothing to write and everything to read when it has content.
    Any namespace counts (the reader matches names, not namespaces)."""
    row = rows = columns = 0
    row_repeat, column, row_last = 1, 0, 0
    for event, element in _pull(chunks, ("start", "end")):
        local = _local(element.tag)
        if local == "table":
            if event == "start":
                row = 0
        elif local == "table-row":
            if event == "start":
                row_repeat, column, row_last = _repeat(element, "number-rows-repeated"), 0, 0
            else:
                if row_last:
                    rows, columns = max(rows, row + row_repeat), max(columns, row_last)
                row += row_repeat
                _drop(element)
        elif local in ("table-cell", "covered-table-cell") and event == "end":
            repeat = _repeat(element, "number-columns-repeated")
            if len(element) or any(_local(k) == "value-type" for k in element.attrib):
                row_last = column + repeat
            column += repeat
            element.clear()
    return rows, columns


def _repeat(element, name: str) -> int:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return max(_number(value), 1)
    return 1


# ---------------------------------------------------------------- .xls: the cells of the BIFF records

# Records that place a cell at (row, column) in their first four bytes (BIFF5 and BIFF8): FORMULA, RSTRING,
# LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK; and those that place a run of cells (MULRK, MULBLANK).
_BIFF_CELLS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0406}
_BIFF_RUNS = {0x00BD, 0x00BE}


def _xls_extent(content: bytes) -> tuple[int, int]:
    """(rows, columns) of the largest used range any sheet of an .xls could have. A row or column in a cell
    record is 16 bits: 65,536 × 65,536 cells is what one forged record asks the reader to allocate."""
    try:
        compound = CompoundFile(content)
        streams = compound.streams("Workbook") + compound.streams("Book")
    except ValueError as exc:
        raise unreadable("file", _("This is not a readable spreadsheet.")) from exc
    if not streams:
        raise unreadable("file", _("This is not a readable spreadsheet."))
    rows = columns = 0
    for stream in streams:
        pos, end = 0, len(stream)
        unpack = struct.Struct("<HH").unpack_from
        while pos + 4 <= end:
            kind, length = unpack(stream, pos)
            body = pos + 4
            if kind in _BIFF_CELLS and length >= 4 and body + 4 <= end:
                r, c = unpack(stream, body)
                rows, columns = max(rows, r + 1), max(columns, c + 1)
            elif kind in _BIFF_RUNS and length >= 6 and body + length <= end:
                r, first = unpack(stream, body)
                (last,) = struct.unpack_from("<H", stream, body + length - 2)
                rows, columns = max(rows, r + 1), max(columns, last + 1, first + 1)
            pos = body + length
    return rows, columns


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
                code="too_large",
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
