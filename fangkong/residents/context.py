"""The residents' navigation for every template (an in-memory list: no query)."""

from __future__ import annotations

from .home import services


def resident_services(request) -> dict:
    return {"resident_services": services()}
