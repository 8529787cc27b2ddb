"""The zone protocol's defaults (domain brief). Migration 0002 seeded them; `ensure_default_levels` puts them
back wherever the table was emptied (a database flushed by tests, a district that deleted them all)."""

from __future__ import annotations

from .defaults import DEFAULT_LEVELS
from .models import ZoneLevel


def ensure_default_levels() -> None:
    if ZoneLevel.objects.exists():
        return
    ZoneLevel.objects.bulk_create(
        ZoneLevel(
            code=code,
            name=name,
            colour=colour,
            restrictions=restrictions,
            rank=rank,
            quiet_days=quiet,
            contact_days=contact,
            negative_days=negative,
            lifts_with_others=with_others,
            active=active,
        )
        for code, name, colour, restrictions, rank, quiet, contact, negative, with_others, active in DEFAULT_LEVELS
    )
