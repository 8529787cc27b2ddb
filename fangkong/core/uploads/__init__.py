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
import struct
import uuid
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from ..errors import Code, FieldError
from .archives import OLE_MAGIC, ZIP_MAGIC, CompoundFile, ZipEntry, zip_entries, zip_read
from .limits import DEFAULTS, MB, limit, too_large, unreadable

__all__ = [
    "DEFAULTS",
    "MB",
    "OLE_MAGIC",
    "ZIP_MAGIC",
    "CompoundFile",
    "ZipEntry",
    "limit",
    "too_large",
    "unreadable",
    "zip_entries",
    "zip_read",
]


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
        raise FieldError(field, _("Choose a file."), code=Code.REQUIRED)
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
        raise FieldError(field, _("Upload a JPEG, PNG or WebP image."), code=Code.UNSUPPORTED_TYPE)
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
                        code=Code.TOO_LARGE,
                    )
                img.verify()
    except FieldError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldError(field, _("The image claims too many pixels."), code=Code.TOO_LARGE) from exc
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
        raise FieldError(field, _("The file is empty."), code=Code.REQUIRED)
    sniffed = sniff(data)
    allowed = ", ".join(KIND_LABELS[k] for k in sorted(kinds))
    if sniffed is MACROS:
        raise FieldError(
            field, _("Office files with macros are not accepted; save it without them."), code=Code.UNSUPPORTED_TYPE
        )
    if sniffed is None or sniffed.kind not in kinds:
        raise FieldError(
            field,
            _("This type of file is not accepted; upload %(types)s.") % {"types": allowed},
            code=Code.UNSUPPORTED_TYPE,
        )
    claimed = claimed_kind(getattr(upload, "name", "") or "")
    if claimed is not None and claimed != sniffed.kind:
        raise FieldError(field, _("The file's name says one type and its content another."), code=Code.TYPE_MISMATCH)
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
        raise FieldError(field, _("This is not a text or HTML file."), code=Code.UNSUPPORTED_TYPE)
    return data.translate(None, _CONTROL_BYTES)
