"""What a venue-code poster says beyond the code: an order in force at the venue (closed, a capacity limit), from
the module that keeps it (livelihood's key places). Registered here; containment never imports that module."""

from __future__ import annotations

from collections.abc import Callable

from fangkong.registry.models import Unit

PosterNotice = Callable[[Unit], "tuple[str, str] | None"]  # (tone: stop|caution, the words)
_providers: dict[str, PosterNotice] = {}


def register(name: str, provider: PosterNotice) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _providers[name] = provider


def notices_for(venue: Unit) -> list[tuple[str, str]]:
    return [n for _name, provider in sorted(_providers.items()) if (n := provider(venue)) is not None]
