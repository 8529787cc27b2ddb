"""Personal data at rest: AES-GCM encryption, a keyed hash for exact lookup and dedup, and masking.

Document numbers and phones are never stored or logged in clear. The data key (FANGKONG_DATA_KEY) is split
with HKDF into an encryption key and a hashing key, so a leaked hash table cannot be attacked with the
encryption key's help and vice versa. Each ciphertext starts with a version byte for key rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
NONCE_BYTES = 12


class _Keys:
    def __init__(self, raw: bytes):
        if len(raw) != 32:
            raise ValueError("FANGKONG_DATA_KEY must be base64 of exactly 32 bytes")

        def derive(info: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)

        self.aead = AESGCM(derive(b"fangkong pii encryption v1"))
        self.hash_key = derive(b"fangkong pii lookup hash v1")
        # Keyed once; each hash copies it (half the cost of keying an HMAC per call: a testing batch hashes
        # thousands of ID numbers).
        self.hasher = hmac.new(self.hash_key, digestmod=hashlib.sha256)


@lru_cache(maxsize=1)
def _keys() -> _Keys:
    return _Keys(base64.b64decode(settings.DATA_KEY))


def encrypt(value: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + _keys().aead.encrypt(nonce, value.encode(), None)


def decrypt(blob: bytes | memoryview | None) -> str:
    if blob is None:
        return ""
    data = bytes(blob)
    if not data:
        return ""
    if data[:1] != VERSION:
        raise ValueError("unknown personal-data cipher version")
    return _keys().aead.decrypt(data[1 : 1 + NONCE_BYTES], data[1 + NONCE_BYTES :], None).decode()


HASH_BYTES = 16


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value, its first 128 bits in hex: equal values meet, the value cannot be read
    back. 128 bits keep collisions out of reach for any register and halve the index that every checkpoint scan and
    every testing batch probes (the full 256 bits bought nothing but a larger index)."""
    h = _keys().hasher.copy()
    h.update(value.encode())
    return h.digest()[:HASH_BYTES].hex()


def mask_document(number: str) -> str:
    """`2111**********123X` for an 18-character ID; other documents keep two characters at each end."""
    n = len(number)
    if n == 0:
        return ""
    if n >= 15:
        return number[:4] + "*" * (n - 8) + number[-4:]
    if n >= 6:
        return number[:2] + "*" * (n - 4) + number[-2:]
    return "*" * (n - 1) + number[-1:]


def mask_phone(phone: str) -> str:
    """`138****5678` for a mobile number; shorter numbers keep their last two digits."""
    n = len(phone)
    if n == 0:
        return ""
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    return "*" * (n - 2) + phone[-2:]


def mask_name(name: str) -> str:
    """李四 → 李*: a person's name where the full one is not needed (the audit trail, checkpoint staff)."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
