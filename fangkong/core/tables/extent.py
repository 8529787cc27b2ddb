"""How large a spreadsheet really is, measured from its own cells before any reader allocates for it: the
positions of an .xlsx's or .ods's cells (the <dimension> tag may lie), the cells of an .xls's BIFF records."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from ..text import ascii_digits
from ..uploads import CompoundFile, unreadable, zip_entries, zip_read

MB = 1024 * 1024


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


def zip_extent(content: bytes) -> tuple[int, int]:
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


def xls_extent(content: bytes) -> tuple[int, int]:
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
