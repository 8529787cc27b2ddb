"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NOT_APPLIED = "not_applied"
    UNMET = "unmet"  # a zone's lifting criteria
    NESTED = "nested"  # a zone lists a place together with a place or jurisdiction holding it
