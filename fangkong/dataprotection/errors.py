"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ENGINE_MISMATCH = "engine_mismatch"
    MISMATCH = "mismatch"
    NOT_EMPTY = "not_empty"
    OUT_OF_RANGE = "out_of_range"
    RUNNING = "running"
    TOOL_MISSING = "tool_missing"
    UNKNOWN_FORMAT = "unknown_format"
    UNSUPPORTED = "unsupported"
