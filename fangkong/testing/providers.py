"""What testing asks of the modules above it, without importing them.

Containment sits above testing (it turns a positive tube into cases and recalls into statuses), so testing may not
import containment, not even inside a function. Containment registers here, in its AppConfig.ready:
- which compounds and buildings are sealed (a new round pools one household per tube there), and
- which samples the retention purge must hold back (those of a person whose confirmed case is still open).
Without containment installed, nothing is sealed and nothing is held back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

_sealed_places: Callable[[], list[int]] | None = None
_sample_holds: dict[str, Callable[[], Q]] = {}


def register_sealed_places(provider: Callable[[], list[int]]) -> None:
    global _sealed_places
    _sealed_places = provider


def sealed_places() -> list[int]:
    """Ids of the compounds and buildings sealed now."""
    return _sealed_places() if _sealed_places is not None else []


def register_sample_hold(name: str, condition: Callable[[], Q]) -> None:
    """A condition on Sample rows (it may refer to the sample's `person_id` with OuterRef) that keeps a sample
    from being anonymised. Named, so that registering twice (a second ready()) replaces rather than adds."""
    _sample_holds[name] = condition


def sample_holds() -> list[Q]:
    return [condition() for condition in _sample_holds.values()]
