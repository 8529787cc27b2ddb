"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    PUBLISHED = "published"
