"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    PAST_RETENTION = "past_retention"  # a round's samples no longer name their people: who is missing is unknown
    MISMATCH = "mismatch"  # the tubes the lab found in a bag are not the ones sealed in it
    SCAN_REFUSED = "scan_refused"  # a scan the sampling rules refuse (already sampled, tube closed …): see message
