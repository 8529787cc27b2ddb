"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    UNMET = "unmet"  # a closed-loop case's release conditions (contact, the measure's days, negative tests)
