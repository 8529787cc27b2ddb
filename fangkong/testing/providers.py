"""What testing asks of the modules above it, without importing them.

Containment sits above testing (it turns a positive tube into cases and recalls into statuses), so testing may not
import containment, not even inside a function. Containment registers here, in its AppConfig.ready, which
compounds and buildings are sealed (a new round pools one household per tube there); without containment
installed, nothing is. (Which samples the retention purge holds back goes through core.purging.register_hold.)
"""

from __future__ import annotations

from collections.abc import Callable

_sealed_places: Callable[[], list[int]] | None = None


def register_sealed_places(provider: Callable[[], list[int]]) -> None:
    global _sealed_places
    _sealed_places = provider


def sealed_places() -> list[int]:
    """Ids of the compounds and buildings sealed now."""
    return _sealed_places() if _sealed_places is not None else []
