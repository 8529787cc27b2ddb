"""Containment endpoints: the status service for scanners, zones, manual status changes and appeals, cases and
transfers, venue codes and tracing, sentinels. One router; each part registers its routes on it."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fangkong.core.api import ErrorOut

router = Router(tags=["containment"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


# The parts register their routes on `router` when imported (after it exists).
from . import cases, changes, copresence, epi, sentinels, status, venues, zones  # noqa: E402, F401
