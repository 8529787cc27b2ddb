"""Files people upload: bounded while they arrive, recognised by their content — never by the name or the type
the client claims — and stored under names we make.

- UploadLimitHandler (first of FILE_UPLOAD_HANDLERS) stops keeping a file once it passes UPLOAD_MAX_BYTES, and
  every file once a request's files pass UPLOAD_MAX_REQUEST_BYTES: the rest is read off the network and dropped,
  and the file arrives as an OversizedUpload, which read_upload refuses with code "too_large". No endpoint can
  forget the limit, and nothing oversized reaches memory or the disk.
- read_upload: an upload's bytes, refused past a limit ("too_large") without reading further than it.
- sniff: what a file is, from its bytes (and for a zip or an OLE2 compound file, from its directory).
- stored_upload: an upload checked against an allow-list of kinds — images verified by Pillow with their pixel
  count bounded (a decompression bomb is a few kB of PNG that decodes to gigabytes), office files refused with
  macros — as a ContentFile named <uuid>.<extension of the sniffed type>.
- text_upload: a text or HTML file: no binary format, no NUL.
- zip_entries / zip_read: a zip's directory checked (entries, unpacked size, compression ratio, no tricks that
  make two readers see two different archives) and its entries read with the declared sizes enforced.
- CompoundFile: the streams of an OLE2 file (.xls, .doc), read with every sector chain bounded.

Refusals are FieldError(field, message, code=...) with codes "required", "too_large", "unsupported_type",
"type_mismatch" and "unreadable".
"""

from __future__ import annotations

import io
import itertools
import struct
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from .errors import FieldError

MB = 1024 * 1024
# Defaults of the limits (settings.FANGKONG overrides each).
DEFAULTS: dict[str, int] = {
    "UPLOAD_MAX_BYTES": 50 * MB,  # any one file, enforced while it arrives
    "UPLOAD_MAX_REQUEST_BYTES": 200 * MB,  # all the files of one request (an inspection posts a photo per item)
    "IMAGE_MAX_BYTES": 20 * MB,
    "IMAGE_MAX_PIXELS": 64_000_000,  # a 64-megapixel phone photo; a decompression bomb claims far more
    "ATTACHMENT_MAX_BYTES": 20 * MB,
}


def limit(name: str) -> int:
    return int(settings.FANGKONG.get(name, DEFAULTS[name]))


def _megabytes(n: int) -> str:
    return f"{n / MB:.0f}" if n >= MB else f"{n / MB:.1f}"


def too_large(field: str, max_bytes: int) -> FieldError:
    return FieldError(field, _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes)}, code="too_large")


def unreadable(field: str, message: str | None = None) -> FieldError:
    return FieldError(field, message or _("This file is damaged or not what it claims to be."), code="unreadable")


# ---------------------------------------------------------------- while it arrives


class OversizedUpload(UploadedFile):
    """What arrives in place of a file that passed the limit: its name and the size that was sent, no content."""

    oversized = True

    def __init__(self, name: str, content_type: str | None, size: int):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class UploadLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes a file's chunks on to Django's handlers until the file (or the
    request's files together) pass the limit, then keeps nothing more of it and hands back an OversizedUpload."""

    def __init__(self, request=None):
        super().__init__(request)
        self.request_bytes, self.request_over = 0, False
        self.received, self.over = 0, False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = self.request_over

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        self.request_bytes += len(raw_data)
        if self.request_bytes > limit("UPLOAD_MAX_REQUEST_BYTES"):
            self.request_over = True
        if self.over or self.request_over or self.received > limit("UPLOAD_MAX_BYTES"):
            self.over = True
            return None  # the next handlers see no more of this file
        return raw_data

    def file_complete(self, file_size):
        if self.over:
            return OversizedUpload(self.file_name or "", self.content_type, self.received)
        return None  # Django's own handlers hand back the file


def read_upload(upload, *, max_bytes: int, field: str = "file") -> bytes:
    """The upload's bytes. Refused ("too_large") past `max_bytes`, reading one byte past it at most."""
    if upload is None:
        raise FieldError(field, _("Choose a file."), code="required")
    size = getattr(upload, "size", None)
    if getattr(upload, "oversized", False) or (size is not None and size > max_bytes):
        raise too_large(field, max_bytes)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(field, max_bytes)
    return data


# ---------------------------------------------------------------- what a file is


@dataclass(frozen=True)
class Sniffed:
    kind: str  # image, pdf, sheet, document
    ext: str  # the extension we store it under
    content_type: str


JPEG = Sniffed("image", "jpg", "image/jpeg")
PNG = Sniffed("image", "png", "image/png")
WEBP = Sniffed("image", "webp", "image/webp")
PDF = Sniffed("pdf", "pdf", "application/pdf")
XLSX = Sniffed("sheet", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
XLS = Sniffed("sheet", "xls", "application/vnd.ms-excel")
ODS = Sniffed("sheet", "ods", "application/vnd.oasis.opendocument.spreadsheet")
DOCX = Sniffed("document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
DOC = Sniffed("document", "doc", "application/msword")
# Macro-enabled office files: they carry code for the reader's machine.
MACROS = Sniffed("macros", "", "")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What a client's file name claims, by kind: a name that claims another kind than the content is refused.
CLAIMED_KIND = {
    **dict.fromkeys(("jpg", "jpeg", "jpe", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif"), "image"),
    "pdf": "pdf",
    **dict.fromkeys(("xlsx", "xlsm", "xls", "ods", "csv", "et"), "sheet"),
    **dict.fromkeys(("docx", "docm", "doc", "odt", "rtf", "wps"), "document"),
}
KIND_LABELS = {
    "image": "JPEG/PNG/WebP",
    "pdf": "PDF",
    "sheet": "Excel (.xlsx/.xls)",
    "document": "Word (.docx/.doc)",
}


def sniff(data: bytes) -> Sniffed | None:
    """The file's type from its content, or None for anything we do not take."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    return None


def _sniff_zip(data: bytes) -> Sniffed | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            mimetype = b""
            if "mimetype" in names:
                with z.open("mimetype") as f:
                    mimetype = f.read(100)  # never more: the entry may unpack to anything
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    lower = {n.lower() for n in names}
    if any(n.endswith("vbaproject.bin") for n in lower):
        return MACROS
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
    if mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet" and "content.xml" in names:
        return ODS
    return None


def _sniff_ole(data: bytes) -> Sniffed | None:
    try:
        names = {name.lower() for name in CompoundFile(data).names()}
    except ValueError:
        return None
    if names & {"_vba_project_cur", "vba", "macros", "_vba_project"}:
        return MACROS
    if names & {"workbook", "book"}:
        return XLS
    if "worddocument" in names:
        return DOC
    return None


def claimed_kind(name: str) -> str | None:
    ext = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    return CLAIMED_KIND.get(ext)


# ---------------------------------------------------------------- checked and stored


def image_check(data: bytes, *, field: str, max_pixels: int | None = None) -> tuple[int, int]:
    """(width, height) of a JPEG/PNG/WebP image whose structure Pillow verifies, its size read from the header and
    bounded before anything is decoded."""
    from PIL import Image, UnidentifiedImageError

    sniffed = sniff(data)
    if sniffed is None or sniffed.kind != "image":
        raise FieldError(field, _("Upload a JPEG, PNG or WebP image."), code="unsupported_type")
    max_pixels = max_pixels or limit("IMAGE_MAX_PIXELS")
    formats = {"jpg": ["JPEG"], "png": ["PNG"], "webp": ["WEBP"]}[sniffed.ext]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as img:
                width, height = img.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise FieldError(
                        field,
                        _("The image is %(w)d × %(h)d pixels; at most %(mp)d megapixels are taken.")
                        % {"w": width, "h": height, "mp": max_pixels // 1_000_000},
                        code="too_large",
                    )
                img.verify()
    except FieldError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldError(field, _("The image claims too many pixels."), code="too_large") from exc
    except UnidentifiedImageError as exc:
        raise unreadable(field, _("This image cannot be read.")) from exc
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, TypeError) as exc:
        raise unreadable(field, _("This image cannot be read.")) from exc
    return width, height


def stored_upload(upload, *, field: str, kinds: Iterable[str], max_bytes: int | None = None) -> ContentFile:
    """The upload as a file to save in a FileField: its type sniffed from its bytes and allowed by `kinds`
    (image, pdf, sheet, document), its content checked for that type, its name a new uuid with the type's
    extension (the client's name and extension are never used: they may say anything)."""
    kinds = set(kinds)
    if max_bytes is None:
        max_bytes = limit("IMAGE_MAX_BYTES") if kinds == {"image"} else limit("ATTACHMENT_MAX_BYTES")
    data = read_upload(upload, max_bytes=max_bytes, field=field)
    if not data:
        raise FieldError(field, _("The file is empty."), code="required")
    sniffed = sniff(data)
    allowed = ", ".join(KIND_LABELS[k] for k in sorted(kinds))
    if sniffed is MACROS:
        raise FieldError(
            field, _("Office files with macros are not accepted; save it without them."), code="unsupported_type"
        )
    if sniffed is None or sniffed.kind not in kinds:
        raise FieldError(
            field,
            _("This type of file is not accepted; upload %(types)s.") % {"types": allowed},
            code="unsupported_type",
        )
    claimed = claimed_kind(getattr(upload, "name", "") or "")
    if claimed is not None and claimed != sniffed.kind:
        raise FieldError(field, _("The file's name says one type and its content another."), code="type_mismatch")
    if sniffed.kind == "image":
        image_check(data, field=field)
    elif sniffed.ext in ("xlsx", "docx", "ods"):
        # Not unpacked here, but whoever downloads it will: no zip bomb, no tricks in the directory.
        zip_entries(data, field=field)
    elif sniffed.ext in ("xls", "doc"):
        try:
            CompoundFile(data).names()
        except ValueError as exc:
            raise unreadable(field) from exc
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{sniffed.ext}")


BINARY_MAGICS = (ZIP_MAGIC, OLE_MAGIC, b"MZ", b"\x7fELF", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")


# C0 control characters but tab, line feed and carriage return, and DEL. As bytes they are the same in UTF-8 and
# GB18030 and never part of a multi-byte character there, so they can be removed before decoding.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def text_upload(upload, *, max_bytes: int, field: str = "file") -> bytes:
    """A text or HTML file's bytes: refused when it is a binary format (an archive, a program, an image, a PDF)
    or holds NUL bytes, which no text does; other control characters removed, as from any typed input
    (core.text)."""
    data = read_upload(upload, max_bytes=max_bytes, field=field)
    if data.startswith(BINARY_MAGICS) or sniff(data) is not None or b"\x00" in data:
        raise FieldError(field, _("This is not a text or HTML file."), code="unsupported_type")
    return data.translate(None, _CONTROL_BYTES)


# ---------------------------------------------------------------- zip archives (.xlsx, .docx, .ods)

ZIP_DEFAULTS = {"TABLE_MAX_UNPACKED_BYTES": 200 * MB, "TABLE_MAX_RATIO": 100, "TABLE_MAX_ZIP_ENTRIES": 1000}
RATIO_MIN_BYTES = MB  # below this an entry's compression ratio says nothing (a small styles.xml packs 1:50)
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")


@dataclass(frozen=True)
class ZipEntry:
    name: str
    start: int  # where its compressed data begins
    compressed: int
    size: int
    method: int
    crc: int


def _zip_limit(name: str) -> int:
    return int(settings.FANGKONG.get(name, ZIP_DEFAULTS[name]))


def zip_entries(data: bytes, *, field: str = "file", max_unpacked: int | None = None) -> list[ZipEntry]:
    """A zip's entries, from a directory checked before anything is unpacked: not too many, their declared sizes
    within the limit and their compression ratios plausible (a zip bomb packs gigabytes into kilobytes), and
    no ambiguity another reader could resolve differently (a comment or data around the archive, entries that
    overlap or repeat a name, encryption, unusual compression)."""
    max_unpacked = max_unpacked or _zip_limit("TABLE_MAX_UNPACKED_BYTES")
    max_ratio = _zip_limit("TABLE_MAX_RATIO")
    # The end-of-directory record closes the file, with no comment: readers that search for it differently
    # (from the end, from the start, the first or the last) all find the same one.
    if len(data) < 22 or data[-22:-18] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        raise unreadable(field)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, struct.error) as exc:
        raise unreadable(field) from exc
    if len(infos) > _zip_limit("TABLE_MAX_ZIP_ENTRIES"):
        raise FieldError(field, _("The archive has too many parts."), code="too_large")
    if len({i.filename for i in infos}) != len(infos):
        raise unreadable(field)
    entries, total = [], 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise unreadable(field, _("The file is protected by a password; save it without one."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable(field)
        total += info.file_size
        if total > max_unpacked:
            raise FieldError(
                field,
                _("The file unpacks to more than %(mb)s MB.") % {"mb": _megabytes(max_unpacked)},
                code="too_large",
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise FieldError(field, _("The file unpacks to far more than its size (a zip bomb?)."), code="too_large")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise unreadable(field)
        offset = info.header_offset
        try:
            header = _LOCAL_HEADER.unpack_from(data, offset)
        except struct.error as exc:
            raise unreadable(field) from exc
        if header[0] != b"PK\x03\x04":
            raise unreadable(field)
        start = offset + _LOCAL_HEADER.size + header[-2] + header[-1]
        if start + info.compress_size > len(data):
            raise unreadable(field)
        entries.append(ZipEntry(info.filename, start, info.compress_size, info.file_size, info.compress_type, info.CRC))
    # Entries one after another: overlapping ones are how the densest zip bombs reuse one compressed kernel.
    spans = sorted((i.header_offset, e.start + e.compressed) for i, e in zip(infos, entries, strict=True))
    if spans and spans[0][0] != 0:
        raise unreadable(field)
    for (_a, end), (next_start, _b) in itertools.pairwise(spans):
        if end > next_start:
            raise unreadable(field)
    return entries


def zip_read(data: bytes, entry: ZipEntry, *, field: str = "file", chunk: int = 4 * MB) -> Iterator[bytes]:
    """An entry's content in chunks, unpacked here (not by zipfile, which trusts the declared size): more or less
    than the declared size, or a wrong checksum, is refused."""
    raw = memoryview(data)[entry.start : entry.start + entry.compressed]
    crc, produced = 0, 0
    if entry.method == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(raw[i : i + chunk]) for i in range(0, len(raw), chunk))
    else:
        pieces = _inflate(raw, entry.size, field, chunk)
    for piece in pieces:
        produced += len(piece)
        if produced > entry.size:
            raise unreadable(field)
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != entry.size or crc != entry.crc:
        raise unreadable(field)


def _inflate(raw: memoryview, size: int, field: str, chunk: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), chunk):
            out = inflater.decompress(raw[i : i + chunk], chunk)
            while True:
                if out:
                    yield out
                if not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, chunk)
            if inflater.eof:
                break
        out = inflater.flush()
        if out:
            yield out
    except zlib.error as exc:
        raise unreadable(field) from exc
    if not inflater.eof:
        raise unreadable(field)


# ---------------------------------------------------------------- OLE2 compound files (.xls, .doc)

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class CompoundFile:
    """The directory and streams of an OLE2 compound file (the container of .xls and .doc), read with each
    sector chain bounded by the file's size and checked for loops. Raises ValueError for anything malformed."""

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise ValueError("not a compound file")
        self.data = data
        try:
            self._read_directory()
        except struct.error as exc:
            raise ValueError("truncated compound file") from exc

    def _read_directory(self) -> None:
        data = self.data
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise ValueError("odd sector size")
        self.sector = 1 << sector_shift
        self.sectors = max(0, (len(data) - self.sector) // self.sector)
        (n_fat, first_dir, _txn, self.cutoff, first_mini_fat, _n_mini, first_difat, n_difat) = struct.unpack_from(
            "<8I", data, 0x2C
        )
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        per_sector = self.sector // 4
        sector, seen = first_difat, 0
        while sector not in (_FREE, _END_OF_CHAIN) and seen < min(n_difat, self.sectors):
            values = struct.unpack_from(f"<{per_sector}I", self._sector(sector))
            difat.extend(values[:-1])
            sector, seen = values[-1], seen + 1
        fat_sectors = [s for s in difat if s not in (_FREE, _END_OF_CHAIN)][:n_fat]
        if len(fat_sectors) > self.sectors:
            raise ValueError("too many FAT sectors")
        self.fat = [v for s in fat_sectors for v in struct.unpack_from(f"<{per_sector}I", self._sector(s))]
        directory = self._chain_bytes(self.fat, first_dir, self._sector)
        self.entries: list[tuple[str, int, int, int]] = []  # (name, type, start, size)
        for offset in range(0, len(directory) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", directory, offset + 64)
            start, size = struct.unpack_from("<IQ", directory, offset + 116)
            if kind not in (1, 2, 5):
                continue
            name = directory[offset : offset + min(max(name_len - 2, 0), 62)].decode("utf-16-le", "replace")
            if self.sector == 512:
                size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
            self.entries.append((name, kind, start, size))
        root = next((e for e in self.entries if e[1] == 5), None)
        self.mini_fat = [
            v
            for chunk in self._chain(self.fat, first_mini_fat)
            for v in struct.unpack_from(f"<{per_sector}I", self._sector(chunk))
        ]
        self.mini_stream = b""
        if root is not None and root[2] not in (_FREE, _END_OF_CHAIN):
            self.mini_stream = self._chain_bytes(self.fat, root[2], self._sector)[: root[3]]

    def _sector(self, n: int) -> bytes:
        if n >= self.sectors:
            raise ValueError("sector out of range")
        start = (n + 1) * self.sector
        return self.data[start : start + self.sector]

    def _chain(self, table: list[int], start: int) -> Iterator[int]:
        sector, count = start, 0
        while sector not in (_END_OF_CHAIN, _FREE):
            if sector >= len(table) or count > len(table):
                raise ValueError("broken or looping sector chain")
            yield sector
            sector, count = table[sector], count + 1

    def _chain_bytes(self, table: list[int], start: int, read: Callable[[int], bytes]) -> bytes:
        return b"".join(read(s) for s in self._chain(table, start))

    def _mini_sector(self, n: int) -> bytes:
        if (n + 1) * 64 > len(self.mini_stream):
            raise ValueError("mini sector out of range")
        return self.mini_stream[n * 64 : (n + 1) * 64]

    def names(self) -> list[str]:
        return [e[0] for e in self.entries]

    def streams(self, name: str) -> list[bytes]:
        """Every stream called `name` (any case): a reader may take any of them."""
        out = []
        for entry_name, kind, start, size in self.entries:
            if kind != 2 or entry_name.lower() != name.lower():
                continue
            if size < self.cutoff:
                out.append(self._chain_bytes(self.mini_fat, start, self._mini_sector)[:size])
            else:
                out.append(self._chain_bytes(self.fat, start, self._sector)[:size])
        return out
