"""Livelihood endpoints: supply requests and volunteers (requests.py), stock points and their goods (stock.py),
price monitoring (prices.py). One router; each part registers its routes on it."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fangkong.core.api import ErrorOut

router = Router(tags=["livelihood"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# The parts register their routes on `router` when imported (after it exists).
from . import deliveries, gatherings, logistics, places, prices, requests, schools, stock, volunteers  # noqa: E402, F401
