"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    PUBLISHED = "published"  # the day's situation report is published: no more compiling, writing or approving
    NOT_BELOW = "not_below"  # a directive's recipient outside the issuer's reach, or at the issuer's own level
    EVIDENCE_REQUIRED = "evidence_required"  # a task whose directive asks for evidence, completed without any
    SHIFT_CLASH = "shift_clash"  # a person put on duty while on another shift at that time
    OUTSIDE_SHIFT = "outside_shift"  # a check-in before the hour preceding one's shift, or after it ended
