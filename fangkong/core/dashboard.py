"""What a domain module shows on someone's start page (and, later, the command hall) without core or the page
importing it: each module registers providers here in its AppConfig.ready; the composition root (fangkong.site)
asks them for the signed-in user.

An alert is a standing problem the user can act on (arrivals nobody contacted in time …). A provider returns None
when there is nothing to say to this user (no capability, nothing wrong): it does its own checks and scoping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    text: str  # translated, for the reader
    link: str  # where to act on it
    count: int = 0


AlertProvider = Callable[[object], Alert | None]
_alerts: dict[str, AlertProvider] = {}


def register_alert(name: str, provider: AlertProvider) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _alerts[name] = provider


def alerts_for(user) -> list[Alert]:
    """The alerts every registered module has for `user`, in the order the modules registered."""
    return [alert for provider in _alerts.values() if (alert := provider(user)) is not None]
