"""Work safety's own error codes (beside core.errors.Code): what a client can rely on."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # A checklist for supervising governments and departments (the State Council's measures) chosen for an
    # enterprise's inspection.
    NOT_FOR_ENTERPRISES = "not_for_enterprises"
