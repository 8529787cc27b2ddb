"""Who acts when no person does: the platform itself, named.

A service that checks the actor's capability and scope takes either a user or a `System` — never None. `System`
passes a service's checks because the caller has already established the fact it acts on (testing's positive
retest confirms a case; a nightly job escalates what is overdue), and the audit trail names it as "system:<why>".
A None where an actor belongs is a programming error and is refused, not waved through.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class System:
    why: str  # what the platform is doing: "testing.case_confirmed", "purge", …

    is_authenticated = False
    pk = None

    def get_username(self) -> str:
        return f"system:{self.why}"


@dataclass(frozen=True)
class Resident:
    """A resident acting for themselves on the portal: signed in by phone, they act for one registered person (the
    residents' session has checked the phone may act for them). Services let a resident act on that person's own
    records only; the audit trail names them as "resident"."""

    person_id: int

    is_authenticated = False
    pk = None

    def get_username(self) -> str:
        return "resident"


def is_system(actor) -> bool:
    return isinstance(actor, System)


def require_actor(actor) -> None:
    """Refuse a missing actor: a service that checks permissions must be told who acts."""
    if actor is None:
        raise TypeError("actor is required: a user, or core.actors.System(why) when the platform acts")
