"""The status service for checkpoint and venue scanners: a code in, colour, action and short reasons out.

One statement per look-up (the code joined to the person and their stored status); the stored status is
recomputed only when it is stale (see status.py). The reply says nothing about who the person is, and a manual
change's basis is not shown to a scanner. Scans are rate-limited per device and not audited one by one: the
scanner already holds the person's code, shown by the person, and learns only the colour.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connections
from django.utils.translation import gettext as _

from fangkong.core import replicas
from fangkong.core.ratelimit import scanner_hit
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.models import Person

from .models import PersonStatus
from .status import _ROW_COLUMNS, ACTIONS, Status, reason_text, status_from_row, status_of

HEX = frozenset("0123456789abcdef")


def action_text(action: str) -> str:
    return {
        "pass": _("Let through."),
        "check": _("Register and check a negative test within 48 hours before letting through."),
        "stop": _("Do not let through: call the community (or the transfer team)."),
    }[action]


def _lookup_sql(code: str) -> tuple[str, list] | None:
    """The statement finding a scanned code's person with their stored status: a pre-registration code
    (testing), or the keyed hash of a document number (what an ID-card reader's app sends, never the number)."""
    from fangkong.registry.models import PersonCode

    text = "".join((code or "").split())
    status = PersonStatus._meta.db_table
    person = Person._meta.db_table
    if len(text) == 32 and set(text.lower()) <= HEX:
        return (
            # A document of a record merged into another (registry.merging) finds the kept record; a resident ID
            # first, should two types share the hash.
            f"SELECT {_ROW_COLUMNS} FROM {person} t JOIN {person} p ON p.id = COALESCE(t.merged_into_id, t.id)"
            f" LEFT JOIN {status} s ON s.person_id = p.id WHERE t.doc_hash = %s ORDER BY t.doc_type LIMIT 1",
            [text.lower()],
        )
    if 4 <= len(text) <= 16 and text.isalnum():
        return (
            f"SELECT {_ROW_COLUMNS} FROM {PersonCode._meta.db_table} c JOIN {person} p ON p.id = c.person_id"
            f" LEFT JOIN {status} s ON s.person_id = p.id WHERE c.code = %s",
            [text.upper()],
        )
    return None


def status_for_code(code: str) -> Status | None:
    query = _lookup_sql(code)
    if query is None:
        return None
    # A streaming replica answers when there is one that keeps up (core.replicas: its lag stays under the bound);
    # one that fails is skipped from then on and the primary answers this scan.
    alias = replicas.lag_tolerant_alias()
    try:
        rows = _select_prepared(connections[alias], *query)
    except DatabaseError:
        if alias == "default":
            raise
        replicas.mark_down(alias, "a status look-up failed")
        rows = _select_prepared(connections["default"], *query)
    return status_from_row(rows[0]) if rows else None


def _select_prepared(connection, sql: str, params: list) -> list[tuple]:
    """On PostgreSQL, a server-side prepared statement: the look-up is planned once per connection instead of
    at every scan (planning cost as much as executing it, measured). Elsewhere, the ordinary cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        # Django's cursors bind on the client (no prepared statements); this one binds on the server.
        return cursor.execute(sql, params, prepare=True).fetchall()


def status_scan(*, actor, code: str, device: str) -> Status:
    """A scanner asks. Rate-limited per device; an unknown code is a plain 404 (it says nothing about whether
    anyone has it)."""
    if not has_cap(actor, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    scanner_hit(user_id=actor.pk, device=device)
    status = status_for_code(code)
    if status is None:
        raise NotFound
    return status


def scanner_reason(reason: dict[str, Any]) -> str:
    """What a scanner is told: the category, not the details (a manual change's basis is the person's business)."""
    if reason["kind"] == "change":
        return _("Manual change (approved)")
    return reason_text(reason)


def checkpoint_status(person_id: int):
    """The status as screening's checkpoints read it (registered as screening's provider in apps.py): the
    colour, what to do and the short reasons a scanner gets — the basis of a manual change stays out."""
    from fangkong.screening.platform_status import PlatformStatus

    status = status_of(person_id)
    return PlatformStatus(
        colour=status.colour,
        action_text=action_text(ACTIONS[status.colour]),
        reasons=tuple(scanner_reason(r) for r in status.reasons),
    )


def scan_reply(status: Status) -> dict[str, Any]:
    """The scanner's reply (the API endpoint and the WSGI fast path send the same)."""
    reasons = [
        {"kind": r["kind"], "colour": r["colour"], "text": scanner_reason(r), "since": r.get("since")}
        for r in status.reasons
    ]
    action = ACTIONS[status.colour]
    return {
        "colour": status.colour,
        "action": action,
        "action_text": action_text(action),
        "reason": reasons[0]["text"] if reasons else "",
        "reasons": reasons,
        "since": status.since.isoformat() if status.since else None,
    }
