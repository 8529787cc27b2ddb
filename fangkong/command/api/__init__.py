"""Command endpoints, one router; each part registers its routes on it."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fangkong.core.api import ErrorOut

router = Router(tags=["command"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# The parts register their routes on `router` when imported (after it exists).
from . import duty, incidents, reports, situation, supervision, tasks  # noqa: E402, F401
