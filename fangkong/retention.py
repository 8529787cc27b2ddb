"""Deleting what is no longer needed: `fangkong purge` (run daily from cron or a timer; `purge-expired` is its old
name). Personal data goes class by class by the district's retention periods (fangkong.dataprotection, stored API
replies included); `housekeeping` is the platform's own leftovers that hold no personal data of their own — add
such jobs there, and both commands run them."""

from __future__ import annotations

from fangkong.dataprotection.services import purge_run


def housekeeping() -> dict[str, int]:
    """The platform's own leftovers past their time, by name → rows deleted (run after the personal data)."""
    from fangkong.core.auth import tokens_purge
    from fangkong.core.throttle import purge as rate_counts_purge
    from fangkong.portal.residents import login_codes_purge

    return {
        "api_tokens": tokens_purge(),  # a week after they expired
        "rate_counts": rate_counts_purge(),  # windows over a day old (they hold addresses and account names)
        "login_codes": login_codes_purge(),  # residents' one-time codes, a day after they expired
    }


def purge_all() -> dict[str, int]:
    """Everything past its time: each class of personal data (by its total count), then the housekeeping."""
    counts = {r.key: r.total for r in purge_run()}
    counts.update(housekeeping())
    return counts
