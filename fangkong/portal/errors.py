"""This app's error codes, beside core.errors.Code: stable, for clients and tests to match."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # A version whose text no longer matches its keyed hash (changed in the database after it was written): it is
    # not approved. The name is the integrity check's for the same fault (integrity.Finding.problem).
    VERSION_ALTERED = "version_altered"
    # An image in an article's text without a description (alt): screen readers and a failed load show nothing.
    ALT_REQUIRED = "alt_required"
