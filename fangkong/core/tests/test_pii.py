from __future__ import annotations

import pytest

from fangkong.core import pii


def test_encrypt_round_trip_and_fresh_nonce():
    a, b = pii.encrypt("11010519491231002X"), pii.encrypt("11010519491231002X")
    assert a != b  # a fresh nonce each time: equal values do not look equal at rest
    assert b"11010519491231002X" not in a
    assert pii.decrypt(a) == pii.decrypt(b) == "11010519491231002X"


def test_tampered_cipher_is_refused():
    blob = bytearray(pii.encrypt("13812345678"))
    blob[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        pii.decrypt(bytes(blob))


def test_lookup_hash_is_keyed_and_stable():
    import hashlib

    h = pii.lookup_hash("13812345678")
    assert h == pii.lookup_hash("13812345678")
    assert h != pii.lookup_hash("13812345679")
    assert h != hashlib.sha256(b"13812345678").hexdigest()  # not a plain hash anyone could recompute


def test_masks():
    assert pii.mask_document("21110319900101123X") == "2111**********123X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_document("E12345678") == "E1*****78"
    assert pii.mask_phone("") == "" and pii.mask_document("") == ""


def test_stored_full_hashes_shorten_to_the_new_ones():
    # Migration registry 0003 shortens stored 256-bit hashes in place; that is right only if the new hash is
    # their prefix.
    import hashlib
    import hmac

    full = hmac.digest(pii._keys().hash_key, b"11010519491231002X", hashlib.sha256).hex()
    assert len(pii.lookup_hash("11010519491231002X")) == 32
    assert full[:32] == pii.lookup_hash("11010519491231002X")
