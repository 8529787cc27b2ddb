"""The signed status list for scanners that lose the network (issue 22, point 3).

Every few minutes the server publishes the codes that are *not* green — as short keyed hashes, never the codes
or ID numbers — signed with its Ed25519 key and carrying its time. A checkpoint or venue page that goes offline
answers from it: a code found in it is not let through as green; a code not found is "not marked as of <time>".

What is marked: every personal code and every document's keyed hash (what an ID-card reader sends, `doc_hash`;
a record merged into another counts as the kept one) of a person whose stored status is red or yellow, not known
(invalidated) or due to change before the list expires (a zone starting, a manual change running out) — so a
code red or yellow at `issued_at` is always in it, and a person about to turn is marked already. Before reading,
the stale statuses are settled as a scanner's read would settle them one by one: invalidated and lapsed rows,
people who moved house, people inside a zone in force with no stored status (registered after it started).

Format `h32-delta-leb128`: each code becomes the first 4 bytes (big-endian) of SHA-256(salt ‖ code), the code
written as the look-up takes it (a personal code in capitals without spaces, a document hash in lower-case hex);
the values sorted, duplicates dropped, and written as the differences between neighbours (the first from 0) in
LEB128 (7 bits a byte, low first, high bit = more), base64. A fresh random salt for each list, so that entries
cannot be followed from one list to the next. A green code is found by chance with probability n / 2³², n the
entries: ~7 in 100,000 at 300,000 entries; the page then says to check online, never green.

Signature: Ed25519 over the UTF-8 of
`fangkong-status-list/1\\n<format>\\n<issued_at>\\n<expires_at>\\n<salt>\\n<count>\\n<data>`, base64. The key:
FANGKONG_STATUS_LIST_KEY (base64 of a 32-byte Ed25519 seed, or *_FILE), else derived from the secret key (HKDF),
so that every node of one installation signs with the same key. `GET /api/v1/status-list/key` gives the public key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache as memoised
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef

from fangkong.core import clock, hashlist, replicas
from fangkong.core.bulk import select_rows
from fangkong.core.ratelimit import hits
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.models import Person, PersonCode

from .models import Colour, PersonStatus, Zone
from .status import status_settle_stale, status_settle_unstored
from .zones.inside import people_in_zone

FORMAT = hashlist.FORMAT
entry, normalise, encode, decode = hashlist.entry, hashlist.normalise, hashlist.encode, hashlist.decode
PREFIX = "fangkong-status-list/1"
CACHE_KEY = "containment:status-list:1"
BUILDING_KEY = "containment:status-list:building"
BUILD_LOCK_SECONDS = 60  # a build takes ~4 s at 1.4 M people (bench/status_list.py); a dead builder's lock lapses


@dataclass(frozen=True)
class Timing:
    refresh: timedelta  # a list older than this is rebuilt
    valid: timedelta  # how long a list may be answered from (its expires_at)


def timing() -> Timing:
    config = settings.FANGKONG
    return Timing(
        refresh=timedelta(seconds=config["STATUS_LIST_REFRESH_SECONDS"]),
        valid=timedelta(hours=config["STATUS_LIST_VALID_HOURS"]),
    )


# ---------------------------------------------------------------- the key


@memoised
def _private_key(seed_b64: str, secret: str) -> Ed25519PrivateKey:
    if seed_b64:
        seed = base64.b64decode(seed_b64, validate=True)
        if len(seed) != 32:
            raise ValueError("FANGKONG_STATUS_LIST_KEY must be base64 of 32 bytes")
    else:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fangkong status list signing key")
        seed = hkdf.derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.STATUS_LIST_KEY, settings.SECRET_KEY)


def public_key_bytes() -> bytes:
    return private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id() -> str:
    """Names the key (a list says which key signed it; a page that holds another asks for the key again)."""
    return hashlib.sha256(public_key_bytes()).hexdigest()[:16]


# ---------------------------------------------------------------- the format (core.hashlist)


def message(payload: dict[str, Any]) -> bytes:
    fields = ("format", "issued_at", "expires_at", "salt", "count", "data")
    return "\n".join([PREFIX, *(str(payload[f]) for f in fields)]).encode()


def verify(payload: dict[str, Any], public_key: bytes, *, now: datetime | None = None) -> str | None:
    """What a receiving page checks, in Python (tests; the page does the same in the browser): None when the list
    may be answered from, else why not — "signature", "format", "expired", "future"."""
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(base64.b64decode(payload["signature"]), message(payload))
    except (InvalidSignature, ValueError, KeyError):
        return "signature"
    if payload["format"] != FORMAT:
        return "format"
    now = now or clock.now()
    if datetime.fromisoformat(payload["issued_at"]) > now + timedelta(minutes=5):  # a clock a little ahead is fine
        return "future"
    if datetime.fromisoformat(payload["expires_at"]) <= now:
        return "expired"
    return None


def marks(payload: dict[str, Any], code: str) -> bool:
    """Whether the list marks a scanned code (not green, or not known to be)."""
    return hashlist.holds(payload, code)


# ---------------------------------------------------------------- building


def _settle() -> int:
    """Store what a scanner's read would compute for every stale status (module docstring); how many."""
    settled = 0
    while True:  # invalidated, lapsed, moved house or grid (registry's bulk paths tell no one), 50,000 at a time
        n = status_settle_stale(moved=True)
        settled += n
        if n < 50_000:
            break
    stored = Exists(PersonStatus.objects.filter(person_id=OuterRef("pk")))  # probes by key, no hash of them all
    for zone in Zone.objects.filter(state=Zone.State.ACTIVE):  # registered inside after the zone started
        settled += status_settle_unstored(list(people_in_zone(zone).filter(~stored).values_list("pk", flat=True)))
    return settled


def marked_codes(expires_at: datetime) -> list[str]:
    """The personal codes and document hashes of everyone the list marks (module docstring)."""
    status, person, codes = PersonStatus._meta.db_table, Person._meta.db_table, PersonCode._meta.db_table
    marked = f"(s.colour IS DISTINCT FROM '{Colour.GREEN.value}' OR s.valid_until < %s)"
    rows = select_rows(
        f"SELECT c.code FROM {codes} c JOIN {status} s ON s.person_id = c.person_id WHERE {marked} UNION ALL"
        f" SELECT t.doc_hash FROM {person} t JOIN {status} s ON s.person_id = COALESCE(t.merged_into_id, t.id)"
        f" WHERE t.doc_hash <> '' AND {marked}",
        [expires_at, expires_at],
    )
    return [normalise(code) for (code,) in rows]


def _stamp(at: datetime) -> str:
    """A time as the list writes it, always the same shape (it is signed as text): UTC, whole seconds."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_build() -> dict[str, Any]:
    """Settle the stale statuses, then make and sign a list of the marked codes as of now; kept in the shared
    cache for the next requests (every node reads the same list) until it expires. Everything read from the
    primary: a replica a few seconds behind could miss a newcomer of a zone."""
    token = replicas.reads_may_lag.set(False)
    try:
        _settle()
        issued_at = clock.now().replace(microsecond=0)
        expires_at = issued_at + timing().valid
        packed = hashlist.pack(marked_codes(expires_at), normalised=True)
    finally:
        replicas.reads_may_lag.reset(token)
    payload: dict[str, Any] = {
        "format": packed["format"],
        "issued_at": _stamp(issued_at),
        "expires_at": _stamp(expires_at),
        "salt": packed["salt"],
        "count": packed["count"],
        "data": packed["data"],
        "key_id": key_id(),
    }
    payload["signature"] = base64.b64encode(private_key().sign(message(payload))).decode()
    kept = _kept()
    if kept is None or kept["issued_at"] <= payload["issued_at"]:  # a slower build never puts an older list back
        cache.set(CACHE_KEY, payload, timeout=int(timing().valid.total_seconds()))
    return payload


def _kept() -> dict[str, Any] | None:
    """The list in the shared cache, if it is this key's and still valid."""
    payload = cache.get(CACHE_KEY)
    if payload is None or payload.get("key_id") != key_id():  # a changed key voids it
        return None
    if datetime.fromisoformat(payload["expires_at"]) <= clock.now():
        return None
    return payload


def _age(payload: dict[str, Any]) -> timedelta:
    return clock.now() - datetime.fromisoformat(payload["issued_at"])


def status_list_refresh() -> dict[str, Any] | None:
    """Build the list unless another process is building it (then None): what Celery beat runs every refresh
    period. One builder at a time across the nodes, by a lock in the shared cache that only its holder lifts."""
    mine = secrets.token_hex(8)
    if not cache.add(BUILDING_KEY, mine, timeout=BUILD_LOCK_SECONDS):
        return None
    try:
        return status_list_build()
    finally:
        if cache.get(BUILDING_KEY) == mine:
            cache.delete(BUILDING_KEY)


def status_list_current() -> dict[str, Any]:
    """The list to hand out. A kept, valid list is handed out as it is; requests rebuild it only when it is older
    than the refresh period (no broker: nothing else would) — or, with Celery beat building it, older than two
    periods (beat has stopped) — and then only one of them, the others getting the kept one meanwhile. With no
    valid list at all (a first request, a flushed cache, a new key), one request builds and the others wait for
    it, then read what it kept."""
    kept = _kept()
    stale_after = timing().refresh * (2 if settings.CELERY_BROKER_URL else 1)
    if kept is not None and _age(kept) < stale_after:
        return kept
    built = status_list_refresh()
    if built is not None:
        return built
    if kept is not None:
        return kept  # another process is building: the kept list is still valid
    waited = 0.0
    while waited < BUILD_LOCK_SECONDS and cache.get(BUILDING_KEY) is not None:
        time.sleep(0.2)
        waited += 0.2
    return _kept() or status_list_build()


def status_list_for_scanner(*, actor, device: str) -> dict[str, Any]:
    """A scanner asks for the list: scanners only (what they could ask code by code), a few times a minute per
    device (the list is the same for all; a page asks every few minutes)."""
    if not has_cap(actor, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    per_device = settings.FANGKONG["STATUS_LIST_RATE_PER_MINUTE"]
    # Per account too, as the status service: a new token does not start the count again.
    hits([(f"status-list:device:{device}", per_device), (f"status-list:user:{actor.pk}", per_device * 10)])
    return status_list_current()


def status_list_public_key() -> dict[str, str]:
    """The key a page checks lists with, and where a page signed in with a session asks for the list (the
    checkpoint page carries both: screening.platform_status)."""
    from django.urls import reverse

    return {
        "algorithm": "Ed25519",
        "key_id": key_id(),
        "public_key": base64.b64encode(public_key_bytes()).decode(),
        "url": reverse("containment:status_list"),
    }


def status_list_key_for_scanner(*, actor) -> dict[str, str]:
    if not has_cap(actor, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    return {k: v for k, v in status_list_public_key().items() if k != "url"}
