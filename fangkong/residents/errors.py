"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    CODE_SENT_RECENTLY = "code_sent_recently"
    TOO_MANY_CODES = "too_many_codes"
