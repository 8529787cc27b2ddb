"""Small files for upload tests, made by hand where a library would refuse to make them hostile: workbooks with a
cell far away, zip bombs, .xls files with forged cell records, images claiming too many pixels."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def jpeg(size: tuple[int, int] = (16, 12)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (16, 12)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header claiming width × height pixels of one compressed blank line repeated: a few hundred
    bytes that decode to width × height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    line = b"\x00" + b"\x00" * width
    body = zlib.compress(line * 8, 9)  # a token amount of data: the header is what claims the size
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"

# ---------------------------------------------------------------- .xlsx written by hand

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx(cells: list[tuple[str, str]], *, dimension: str = "", sheet_xml: str | None = None) -> bytes:
    """A minimal workbook: one sheet with inline-string cells at the given references ("A1", "XFD1048576")."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        number = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    data = "".join(f'<row r="{n}">{"".join(cs)}</row>' for n, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = sheet_xml or (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}<sheetData>{data}</sheetData></worksheet>'
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def zip_bomb(unpacked: int = 60 * 1024 * 1024) -> bytes:
    """A workbook whose sheet is `unpacked` bytes of blanks inside a valid sheet: it packs about 1:1000."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>'
    tail = "</sheetData></worksheet>"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(head.encode())
    block = b" " * (1 << 20)
    for _ in range(unpacked // len(block)):
        packed += compressor.compress(block)
    packed += compressor.compress(tail.encode()) + compressor.flush()
    base = xlsx([("A1", "姓名")])
    # Swap the sheet for the bomb, written raw so that nothing here has to hold it unpacked.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info))
    size = len(head) + (unpacked // len(block)) * len(block) + len(tail)
    crc = zlib.crc32(head.encode())
    for _ in range(unpacked // len(block)):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail.encode(), crc)
    return _append_raw_entry(out.getvalue(), "xl/worksheets/sheet1.xml", packed, size, crc)


def _append_raw_entry(archive: bytes, name: str, packed: bytes, size: int, crc: int) -> bytes:
    """The archive with one more deflated entry whose compressed bytes are given."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        infos = z.infolist()
    end = archive.rindex(b"PK\x05\x06")
    (cd_size, cd_offset) = struct.unpack_from("<II", archive, end + 12)
    entries, central = archive[:cd_offset], archive[cd_offset : cd_offset + cd_size]
    raw_name = name.encode()
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(raw_name), 0)
    offset = len(entries)
    entries += local + raw_name + packed
    central += (
        struct.pack(
            "<4s6H3I5H2I",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(packed),
            size,
            len(raw_name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + raw_name
    )
    count = len(infos) + 1
    return entries + central + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(central), len(entries), 0)


# ---------------------------------------------------------------- .xls (BIFF8 in an OLE2 compound file)


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def xls(numbers: list[tuple[int, int, float]]) -> bytes:
    """A minimal .xls: one sheet of NUMBER cells at (row, column), zero-based, as BIFF8 writes them."""
    sheet = _bof(0x10) + b"".join(_record(0x0203, struct.pack("<HHHd", r, c, 0, v)) for r, c, v in numbers)
    sheet += _record(0x000A)
    name = b"S"

    def workbook_globals(sheet_offset: int, padding: bytes) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<IBBBB", sheet_offset, 0, 0, len(name), 0) + name)
        return _bof(0x05) + _record(0x0042, struct.pack("<H", 1200)) + boundsheet + padding + _record(0x000A)

    # Padding records make the stream 4,096 bytes or more: a regular stream, not one in the mini stream.
    padding = _record(0x0897, b"\x00" * 4200)
    head = workbook_globals(0, padding)
    stream = workbook_globals(len(head), padding) + sheet
    return _compound({"Workbook": stream})


def _compound(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding regular streams (4,096 bytes or more)."""
    sector = 512
    body, start_of = b"", {}
    fat: list[int] = []
    next_sector = 2  # 0: the FAT, 1: the directory
    for name, data in streams.items():
        count = (len(data) + sector - 1) // sector
        start_of[name] = next_sector
        fat.extend(next_sector + i + 1 if i < count - 1 else 0xFFFFFFFE for i in range(count))
        body += data + b"\x00" * (count * sector - len(data))
        next_sector += count
    fat = [0xFFFFFFFD, 0xFFFFFFFE, *fat]
    if len(fat) > sector // 4:
        raise ValueError("one FAT sector is enough for test files")
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + b"\xff" * (sector - 4 * len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF):
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    for i, name in enumerate(names):
        directory += entry(
            name, 2, start_of[name], len(streams[name]), right=i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        )
    if len(directory) > sector:
        raise ValueError("one directory sector is enough for test files")
    directory = directory.ljust(sector, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9I", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))
    )
    return header + fat_sector + directory + body


# ---------------------------------------------------------------- .ods


def ods(table_xml: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="S">{table_xml}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def ods_cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
