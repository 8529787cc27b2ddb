"""The platform's own status of a person — green, yellow or red with its short reasons — as a checkpoint needs it.

Containment derives the status (zones, cases, closed-loop management, recalls, isolation, manual changes) and
sits above screening: containment reads screening's follow-ups, so screening may not import containment, not
even inside a function. Containment registers its provider here when its app is ready; the checkpoint asks
through `status_for`. Without a provider (containment not installed) the answer is None and the checkpoint
decides on what it sees, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformStatus:
    colour: str  # green | yellow | red
    action_text: str  # what a scanner is told to do, in the reader's language
    reasons: tuple[str, ...]  # short, as a scanner reads them: never the basis of a manual change


Provider = Callable[[int], PlatformStatus]
KeyProvider = Callable[[], dict[str, str]]
_provider: Provider | None = None
_list_key: KeyProvider | None = None


def register(provider: Provider, *, list_key: KeyProvider | None = None) -> None:
    """Called once by the app that computes the status (containment's AppConfig.ready); `list_key` gives the
    public key of its signed status list (`{"key_id", "public_key"}`), which the checkpoint page carries to check
    the list offline."""
    global _provider, _list_key
    _provider, _list_key = provider, list_key


def list_key() -> dict[str, str] | None:
    """The status list's public key, or None when no module publishes a list."""
    return _list_key() if _list_key is not None else None


def status_for(person_id: int) -> PlatformStatus | None:
    """The person's current status, or None when no module provides one."""
    return _provider(person_id) if _provider is not None else None
