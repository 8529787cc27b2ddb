"""A list of codes as short salted hashes, sorted and packed (`h32-delta-leb128`): what a field phone carries
offline to ask "is this code on the list?" without holding the codes — the scanners' signed status list
(containment.status_list) and the sampling sites' list of people tested alone (testing.alone_list). The page's
side: core/static/fangkong/statuslist.js (`fangkongHashList`).

Each code becomes the first 4 bytes (big-endian) of SHA-256(salt ‖ code), written as the look-up takes it; the
values sorted, duplicates dropped, written as the differences between neighbours (the first from 0) in LEB128
(7 bits a byte, low first, high bit = more). A code not on the list is found by chance with probability n / 2³².
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

FORMAT = "h32-delta-leb128"


def entry(salt: bytes, code: str) -> int:
    return int.from_bytes(hashlib.sha256(salt + code.encode()).digest()[:4], "big")


def normalise(code: str) -> str:
    """A scanned code as the look-up takes it (containment.scanning._lookup_sql)."""
    text = "".join((code or "").split())
    if len(text) == 32 and all(ch in "0123456789abcdefABCDEF" for ch in text):
        return text.lower()
    return text.upper()


def encode(values: list[int]) -> bytes:
    out = bytearray()
    last = 0
    for value in values:
        gap, last = value - last, value
        while gap >= 0x80:
            out.append((gap & 0x7F) | 0x80)
            gap >>= 7
        out.append(gap)
    return bytes(out)


def decode(data: bytes) -> list[int]:
    values, value, gap, shift = [], 0, 0, 0
    for byte in data:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        value += gap
        values.append(value)
        gap, shift = 0, 0
    if shift:
        raise ValueError("the list's data ends inside a value")
    return values


def pack(codes: list[str], *, normalised: bool = False) -> dict[str, Any]:
    """Codes as a list's fields: a fresh random salt (entries cannot be followed from one list to the next), the
    count, the data in base64. `normalised`: the codes are written as the look-up takes them already."""
    salt = secrets.token_bytes(16)
    values = sorted({entry(salt, c if normalised else normalise(c)) for c in codes})
    return {
        "format": FORMAT,
        "salt": salt.hex(),
        "count": len(values),
        "data": base64.b64encode(encode(values)).decode(),
    }


def holds(fields: dict[str, Any], code: str) -> bool:
    """Whether a packed list holds a scanned code (tests; the page looks up the same way)."""
    return entry(bytes.fromhex(str(fields["salt"])), normalise(code)) in set(
        decode(base64.b64decode(str(fields["data"])))
    )
