"""Screening endpoints, one router; each part registers its routes on it. Thin: parse, call a service or
selector, shape; errors name the field."""

from __future__ import annotations

from typing import Any

from ninja import Router

from fangkong.core.api import ErrorOut

router = Router(tags=["screening"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


# The parts register their routes on `router` when imported (after it exists).
from . import areas, checkpoints, followups, trips  # noqa: E402, F401
