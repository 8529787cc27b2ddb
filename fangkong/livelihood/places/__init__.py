"""Key places and venue control (issue 20, point 6)."""

from __future__ import annotations

from .control import (
    REPEATED,
    KeyPlaceRegisterInput,
    PlaceInspectInput,
    PlaceOrderInput,
    PlaceRow,
    RectificationCloseInput,
    checklist,
    departments,
    ensure_default_items,
    may_order,
    place_get,
    place_inspect,
    place_order,
    place_register,
    place_rows,
    places_visible,
    poster_notice,
    rectification_close,
    venues_to_register,
)

__all__ = [
    "REPEATED",
    "KeyPlaceRegisterInput",
    "PlaceInspectInput",
    "PlaceOrderInput",
    "PlaceRow",
    "RectificationCloseInput",
    "checklist",
    "departments",
    "ensure_default_items",
    "may_order",
    "place_get",
    "place_inspect",
    "place_order",
    "place_register",
    "place_rows",
    "places_visible",
    "poster_notice",
    "rectification_close",
    "venues_to_register",
]
