"""What a testing page tells after an action."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Said:
    """What a page tells after an action: a stable code (for tests and scripts) and the sentence."""

    code: str
    text: str


@dataclass(frozen=True)
class Refused:
    """A refusal as a page shows it (core/_error.html: field, message, code), read back from a stored reply — a scan
    sent again with its key gets the first reply, refusal included."""

    field: str
    message: str
    code: str
    row: int | None = None
