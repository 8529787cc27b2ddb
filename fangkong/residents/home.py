"""What the domains show a signed-in resident, without the residents' edge importing them: each registers, in its
AppConfig.ready, cards for the /me/ home (a template and its context for one of the phone's people: the status
from containment, the test results from testing) and the links of its own resident pages (report a trip, ask for
supplies). The edge renders whatever is registered, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Card:
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Service:
    url_name: str
    label: str | Promise
    order: int


CardProvider = Callable[[Any], Card | None]  # called with a Person the phone may act for
_cards: dict[str, tuple[int, CardProvider]] = {}
_services: dict[str, Service] = {}


def register_card(name: str, provider: CardProvider, *, order: int) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _cards[name] = (order, provider)


def cards_for(person) -> list[Card]:
    return [card for _o, provider in sorted(_cards.values(), key=lambda c: c[0]) if (card := provider(person))]


def register_service(url_name: str, label: str | Promise, *, order: int) -> None:
    _services[url_name] = Service(url_name, label, order)


def services() -> list[Service]:
    return sorted(_services.values(), key=lambda s: s.order)
