"""The platform's own leftovers past their time, deleted by `fangkong purge` after the personal data: rows that
hold no record of their own but say who did what (tokens, counters of attempts, one-time codes), and files nobody
uses (images uploaded for an article and never kept in one)."""

from __future__ import annotations

from collections.abc import Callable


def housekeeping() -> dict[str, int]:
    """By name → rows deleted."""
    from fangkong.core.alerts import alerts_purge
    from fangkong.core.auth import tokens_purge
    from fangkong.core.throttle import purge as rate_counts_purge
    from fangkong.portal.images import PURGE_BATCH, images_purge
    from fangkong.residents.signin import login_codes_purge

    return {
        "api_tokens": tokens_purge(),  # a week after they expired
        "rate_counts": rate_counts_purge(),  # windows over a day old (they hold addresses and account names)
        "login_codes": login_codes_purge(),  # residents' one-time codes, a day after they expired
        "hall_alerts": alerts_purge(),  # the hall's feed after 90 days, but for those a task was dispatched from
        "article_images": _in_batches(images_purge, PURGE_BATCH),  # unused a day after their upload
    }


def _in_batches(purge: Callable[[], int], batch: int) -> int:
    """A purge that deletes at most `batch` per call (one short transaction each), called until it is done."""
    total = 0
    while True:
        n = purge()
        total += n
        if n < batch:
            return total
