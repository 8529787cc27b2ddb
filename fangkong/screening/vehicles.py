"""What other modules know about a vehicle, shown at the checkpoint beside a registration's instruction (a logistics
channel pass, from livelihood): a module above screening registers a provider here; screening never imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VehicleNote:
    label: str  # what it is, in the reader's language: "物流通道通行证 WL3F2A91C0"
    detail: str  # what it says: the carrier, the goods, the route, the validity
    tone: str  # "go" (a valid pass), "caution" (expired, not yet valid)


VehicleNotes = Callable[[str, datetime], list[VehicleNote]]
_providers: dict[str, VehicleNotes] = {}


def register(name: str, provider: VehicleNotes) -> None:
    """Named, so that registering again (a second ready()) replaces rather than adds."""
    _providers[name] = provider


def notes_for(plate: str, at: datetime) -> list[VehicleNote]:
    """Every module's notes on the plate at the moment of the passage."""
    if not (plate or "").strip():
        return []
    return [note for _name, provider in sorted(_providers.items()) for note in provider(plate, at)]
