"""What a testing page tells after an action."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Said:
    """What a page tells after an action: a stable code (for tests and scripts) and the sentence."""

    code: str
    text: str
