"""Limits that every server process counts together, kept in the database: sign-in attempts per account, per
address and overall; one-time codes; public forms. These are low-volume paths where one upsert per request is
nothing, and where a per-process count would let an attacker multiply the limit by the number of workers.
(The scanners' status look-ups, thousands a second, count in the shared cache instead: `core.ratelimit`.)

Windows are fixed (a 15-minute limit starts again at :00, :15, …): simple, and a lockout ends at a time the
reply can state (`Retry-After`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection

from . import clock
from .models import RateCount
from .ratelimit import RateLimited


@dataclass(frozen=True)
class Limit:
    name: str  # what is counted: "signin-fail-account", "otp-send-address", …
    limit: int  # at most this many per window
    seconds: int  # the window

    def _window(self) -> tuple[int, int]:
        now = int(clock.now().timestamp())
        start = now - now % self.seconds
        return start, start + self.seconds - now  # the window, and the seconds until it ends

    def _key(self, subject: str) -> str:
        return f"{self.name}:{subject}"[:200]


def count(limit: Limit, subject: str) -> int:
    """Count one for `subject` in the current window; the count so far, this one included. Call it outside a
    transaction that may roll back (a failed sign-in's count must stay)."""
    window, _ = limit._window()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RateCount._meta.db_table} (subject, starts, count) VALUES (%s, %s, 1) "
            "ON CONFLICT (subject, starts) DO UPDATE SET count = "
            f"{RateCount._meta.db_table}.count + 1 RETURNING count",
            [limit._key(subject), window],
        )
        return cursor.fetchone()[0]


def used(limit: Limit, subject: str) -> int:
    window, _ = limit._window()
    row = RateCount.objects.filter(subject=limit._key(subject), starts=window).values_list("count", flat=True).first()
    return row or 0


def hit(limit: Limit, subject: str) -> None:
    """Count one; refuse (RateLimited, with the seconds until the window ends) past the limit."""
    if count(limit, subject) > limit.limit:
        raise RateLimited(retry_after=limit._window()[1])


def check(*pairs: tuple[Limit, str]) -> None:
    """Refuse if any of these is already at its limit, without counting (sign-in counts only failures)."""
    for limit, subject in pairs:
        if used(limit, subject) >= limit.limit:
            raise RateLimited(retry_after=limit._window()[1])


def clear(limit: Limit, subject: str) -> None:
    """A success forgives the failures before it (an account's, not an address's or the overall count)."""
    RateCount.objects.filter(subject=limit._key(subject)).delete()


def purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = RateCount.objects.filter(starts__lt=int((clock.now() - older_than).timestamp())).delete()
    return deleted


PUBLIC_FORM = Limit("public-form", 10, 60)


def public_form_hit(request, form: str) -> None:
    """A public form (no sign-in: hazard and price reports) from this address: at most PUBLIC_FORM.limit a minute
    each, across every server process."""
    from .middleware import client_address

    hit(PUBLIC_FORM, f"{form}:{client_address(request)}")
