"""Archives read without trusting them: a zip's directory checked before anything is unpacked (.xlsx, .docx,
.ods), and the streams of an OLE2 compound file (.xls, .doc) read with every sector chain bounded."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import Code, FieldError
from .limits import MB, megabytes, unreadable

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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
        raise FieldError(field, _("The archive has too many parts."), code=Code.TOO_LARGE)
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
                _("The file unpacks to more than %(mb)s MB.") % {"mb": megabytes(max_unpacked)},
                code=Code.TOO_LARGE,
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise FieldError(field, _("The file unpacks to far more than its size (a zip bomb?)."), code=Code.TOO_LARGE)
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
