"""Deleting what is no longer needed: `fangkong purge` (run daily from cron or a timer; `purge-expired` is its old
name). Personal data goes class by class by the district's retention periods (fangkong.dataprotection, stored API
replies included); `housekeeping` (fangkong.dataprotection.housekeeping) is the platform's own leftovers — add
such jobs there, and both commands run them."""

from __future__ import annotations

from fangkong.dataprotection.housekeeping import housekeeping
from fangkong.dataprotection.services import purge_run

__all__ = ["housekeeping", "purge_all"]


def purge_all() -> dict[str, int]:
    """Everything past its time: each class of personal data (by its total count), then the housekeeping."""
    counts = {r.key: r.total for r in purge_run()}
    counts.update(housekeeping())
    return counts
