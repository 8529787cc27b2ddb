"""The two-person rule, once: whoever asked does not decide, a rejection says why, only what is pending is decided,
and the decision is stamped (who, when) and audited (from which state to which).

Every two-person decision goes through it — a zone and its early lifting, a manual status change and its
revocation, an appeal, a supervision outcome, an article, an official's trip — in the same three steps:

    row = <entity>_get(user=actor, ..., for_update=True)    # the row locked: two deciders do not both win
    decision = approvals.check(actor=actor, requested_by=row.requested_by_id, pending=row.state == PENDING,
                               approve=approve, note=note, old=row.state, new=APPROVED if approve else REJECTED)
    row.state = decision.new
    row.save(update_fields=["state", *decision.stamp(row)])  # decided_by, decided_at, decision_note
    decision.audit(action="<entity>.decide", obj=row)        # fields: {"state": {"from": old, "to": new}}

The caller checks the capability and the scope first (reading the row through its access path), then `check`:
the requester (a 403, `OwnRequest`), the state (`not_pending`), the note (`note_required`), in that order. The
codes are stable; the sentences are the caller's, so each decision keeps saying what it is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from . import clock
from .audit import audit_record
from .errors import Code, FieldError
from .models import AuditEvent
from .scoping import Forbidden

# The codes of its refusals (core.errors.Code), under the names callers and tests have long used.
OWN_REQUEST = Code.OWN_REQUEST
NOT_PENDING = Code.NOT_PENDING
NOTE_REQUIRED = Code.NOTE_REQUIRED


class OwnRequest(Forbidden):
    """The person who asked for a decision took it: refused as any decision one may not take (403), with the
    rule's stable `code` and the field it concerns for whoever catches it."""

    code = OWN_REQUEST

    def __init__(self, message: str, field: str = "decided_by"):
        super().__init__(message)
        self.field, self.message = field, str(message)

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message, "code": self.code}


def refuse_own(actor, requested_by: int | Iterable[int | None] | None, message: str = "") -> None:
    """Raise `OwnRequest` if `actor` is (one of) `requested_by`: the user ids whose request this is."""
    ids = requested_by if isinstance(requested_by, Iterable) else (requested_by,)
    if getattr(actor, "pk", None) is not None and actor.pk in ids:
        raise OwnRequest(message or _("You asked for this; someone else decides it."))


@dataclass(frozen=True)
class Decision:
    """A decision the rule allows: who took it and when, its note, and the state it moves from and to (named `key`
    in the audit event)."""

    actor: Any
    at: datetime
    note: str
    old: str
    new: str
    key: str = "state"

    def stamp(
        self, row, *, by: str = "decided_by", at: str = "decided_at", note: str | None = "decision_note"
    ) -> list[str]:
        """Write who, when (and the note, unless `note` is None) on `row`; the names, for `update_fields`."""
        values = {by: self.actor, at: self.at} | ({note: self.note} if note else {})
        for name, value in values.items():
            setattr(row, name, value)
        return list(values)

    def audit(self, *, action: str, obj: Any, fields: Mapping[str, Any] | None = None, **kwargs: Any) -> AuditEvent:
        """The audit event: the move from the old state to the new one, with `fields`; the note as the reason."""
        kwargs.setdefault("reason", self.note)
        moved = {self.key: {"from": self.old, "to": self.new}}
        return audit_record(actor=self.actor, action=action, obj=obj, fields={**(fields or {}), **moved}, **kwargs)


def check(
    *,
    actor,
    requested_by: int | Iterable[int | None] | None,
    pending: bool,
    old: str,
    new: str,
    approve: bool,
    note: str = "",
    field: str = "state",
    key: str = "",
    note_needed: bool | None = None,
    note_length: int = 300,
    own: str = "",
    not_pending: str = "",
    note_missing: str = "",
) -> Decision:
    """Whether `actor` may take this decision now, on a row read locked and within their reach.

    `requested_by`: the user id(s) whose request it is (none of them decides). `pending`: the row awaits this
    decision (its state, and whatever else withdraws it: a cancelled trip). `old`, `new`: the state it moves
    from and to, in `field` (the field a refusal names; the audit's name for the move unless `key` gives another,
    for a request beside the row's state: an early lifting, a revocation). `note_needed`: by default a rejection
    needs a note and an approval does not. `own`, `not_pending`, `note_missing`: the sentences (generic if empty)."""
    refuse_own(actor, requested_by, own)
    if not pending:
        raise FieldError(field, not_pending or _("This is not awaiting a decision."), code=Code.NOT_PENDING)
    note = (note or "").strip()
    if (not approve if note_needed is None else note_needed) and not note:
        raise FieldError("note", note_missing or _("Give the reasons for the decision."), code=Code.NOTE_REQUIRED)
    return Decision(actor=actor, at=clock.now(), note=note[:note_length], old=str(old), new=str(new), key=key or field)
