"""The audit trail made tamper-evident: a chain of keyed hashes.

Each event is *sealed* once its transaction has committed: it gets the next place in the chain (`seq`), the hash
of the event before it (`prev_hash`) and its own `hash` = HMAC(key, prev_hash ‖ its content). The key is derived
from FANGKONG_DATA_KEY, which lives outside the database and its backups, so someone who can write to the
database can neither alter an event nor rebuild the chain after removing one. The chain's end is kept in
AuditChainHead, so cutting events off the end (or emptying the table) shows too.

Why seal after commit instead of at insert: chaining at insert would make every audited transaction wait for the
one before it to commit (the next event needs the previous hash), serialising checkpoints, imports and approvals
on one row. Sealing runs in its own short transaction after each commit, seals every committed unsealed event in
id order, and holds the head row's lock for milliseconds. An event whose seal did not run (a crash between the
commit and the seal) is sealed by the next one, or by `fangkong verify-audit`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction

from . import memo
from .models import AuditChainHead, AuditEvent

log = logging.getLogger("fangkong.audit")
BATCH = 2000
_CONTENT = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "jpath",
    "fields",
    "reason",
    "request_id",
    "client_addr",
)


@lru_cache(maxsize=1)
def _key() -> bytes:
    import base64

    raw = base64.b64decode(settings.DATA_KEY)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fangkong audit chain v1").derive(raw)


def _content(row: dict) -> bytes:
    values = dict(row)
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    values["id"] = int(values["id"])
    return json.dumps([values[k] for k in _CONTENT], ensure_ascii=False, sort_keys=True, default=str).encode()


def event_mac(row: dict) -> str:
    """The MAC the platform gives an event as it writes it: over its content but its id (not known before the
    insert; the chain binds the id later)."""
    values = dict(row)
    values["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    payload = json.dumps([values[k] for k in _CONTENT[1:]], ensure_ascii=False, sort_keys=True, default=str)
    return hmac.new(_key(), b"mac\n" + payload.encode(), hashlib.sha256).hexdigest()


def event_hash(prev_hash: str, row: dict) -> str:
    return hmac.new(_key(), prev_hash.encode() + b"\n" + _content(row), hashlib.sha256).hexdigest()


def seal(*, wait: bool = True, batches: int | None = None) -> int:
    """Seal committed, unsealed events in id order; the number sealed.

    After a request (`wait=False`, one batch) the seal is cheap: it skips when another process is sealing (that
    seal or the next one takes these events too) and does not wait for its commit to reach the disk — a seal lost
    in a crash is recomputed from the events by the next seal, so there is nothing to lose. `fangkong
    verify-audit` seals everything that is left, waiting its turn."""
    sealed = 0
    done = 0
    while batches is None or done < batches:
        done += 1
        with transaction.atomic():
            if not wait and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            heads = AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1)
            head = heads.first()
            if head is None:
                if not wait and AuditChainHead.objects.filter(pk=1).exists():
                    return sealed  # another process holds the head: it seals
                head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*_CONTENT)[:BATCH])
            if not rows:
                return sealed
            seq, prev = head.seq, head.hash
            updates: list[tuple] = []
            for row in rows:
                seq += 1
                digest = event_hash(prev, row)
                updates.append((seq, prev, digest, row["id"]))
                prev = digest
            # Raw SQL: the ORM refuses every update of an audit event; the database allows this one only (filling
            # an unsealed event's seal, nothing else: see migration 0007's trigger). On PostgreSQL the event's `at`
            # names its month's partition (core.partitions), so the update searches one partition, not all.
            where = "id = %s AND seq IS NULL"
            if connection.vendor == "postgresql":
                where = "id = %s AND at = %s AND seq IS NULL"
                updates = [(*update, row["at"]) for update, row in zip(updates, rows, strict=True)]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {AuditEvent._meta.db_table} SET seq = %s, prev_hash = %s, hash = %s WHERE {where}",
                    updates,
                )
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
            sealed += len(rows)
        # The anchor, outside the database (the system journal, a remote log): whoever can rewrite the database
        # cannot rewrite this line, and `fangkong verify-audit --anchor SEQ:HASH` checks the chain still reaches it.
        log.info("audit chain head seq=%d hash=%s", seq, prev)
    return sealed


# Under load a process seals at most every SEAL_INTERVAL seconds (each seal takes all that is pending): a seal
# after every audited commit cost a checkpoint's registration a quarter of its time (measured: 8–12 ms of 40).
SEAL_INTERVAL = 1.0
_last_seal = [0.0]


def forget_last_seal() -> None:
    _last_seal[0] = 0.0


memo.register(forget_last_seal)


def seal_after_commit() -> None:
    """Called by audit_record: a seal after the outermost transaction commits (a rolled-back transaction drops
    its callbacks, and with them this one) — unless this process sealed less than SEAL_INTERVAL ago; what is left
    is sealed by the next one, or by `fangkong verify-audit` (cron)."""
    if time.monotonic() - _last_seal[0] < SEAL_INTERVAL:
        return
    if not connection.in_atomic_block:
        _seal_quietly()
    elif not any(entry[1] is _seal_quietly for entry in connection.run_on_commit):
        transaction.on_commit(_seal_quietly)


def _seal_quietly() -> None:
    # The event is committed whatever happens here; a failed seal (a lock timeout) is retried by the next one.
    import logging

    _last_seal[0] = time.monotonic()
    try:
        seal(wait=False, batches=1)
    except Exception:
        logging.getLogger(__name__).exception("sealing the audit chain failed; the next seal will retry")


@dataclass
class Verdict:
    checked: int = 0
    unsealed: int = 0
    broken_at: int | None = None  # the seq of the first event that does not fit the chain
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, anchors: tuple[tuple[int, str], ...] = ()) -> Verdict:
    """Walk the chain from the start; report the first event that was altered, was not written by the platform
    (no MAC that verifies), is missing, or does not follow the one before; an end that does not match the head;
    and an anchor (seq, hash) recorded outside the database that the chain no longer reaches."""
    verdict = Verdict()
    verdict.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    head = AuditChainHead.objects.filter(pk=1).first()
    macs_from = head.macs_from_id if head else 0
    wanted = dict(anchors)
    expected_seq, prev = 0, ""
    rows = (
        AuditEvent.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values(*_CONTENT, "mac", "seq", "prev_hash", "hash")
    )
    for row in rows.iterator(chunk_size=BATCH):
        expected_seq += 1
        verdict.checked += 1
        if row["seq"] != expected_seq:
            verdict.broken_at = expected_seq
            verdict.problems.append(f"event #{expected_seq} is missing (the next one is #{row['seq']})")
            return verdict
        if row["prev_hash"] != prev or row["hash"] != event_hash(prev, row):
            verdict.broken_at = row["seq"]
            verdict.problems.append(
                f"event #{row['seq']} (id {row['id']}) was altered or does not follow #{row['seq'] - 1}"
            )
            return verdict
        if row["id"] >= macs_from and row["mac"] != event_mac(row):
            verdict.broken_at = row["seq"]
            verdict.problems.append(f"event #{row['seq']} (id {row['id']}) was not written by the platform")
            return verdict
        if row["seq"] in wanted and wanted.pop(row["seq"]) != row["hash"]:
            verdict.broken_at = row["seq"]
            verdict.problems.append(f"event #{row['seq']} does not match the anchor recorded outside the database")
            return verdict
        prev = row["hash"]
    for seq in sorted(wanted):
        verdict.broken_at = verdict.broken_at or seq
        verdict.problems.append(f"the chain no longer reaches event #{seq}, recorded outside the database")
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    if (expected_seq, prev) != (head_seq, head_hash):
        verdict.broken_at = expected_seq + 1
        verdict.problems.append(
            f"the chain ends at #{expected_seq} but {head_seq} events were sealed: events were removed from the end"
        )
    return verdict
