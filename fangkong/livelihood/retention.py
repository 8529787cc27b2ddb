"""How long livelihood keeps personal data (the district sets the periods: fangkong.dataprotection).

- A named price-gouging reporter's name and phone are erased once the market regulator closed the report
  (confirmed or dismissed) longer ago than the period; the report stays.
- Supply requests of sealed homes are deleted once delivered or cancelled longer ago than the period.
- Volunteers' sign-ups (with their shifts) are deleted once declined (or withdrawn) longer ago than the period; a
  volunteer still serving, or still waiting for an answer, stays.

At the end of the emergency all of them go, whatever their state.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from fangkong.core.purging import Tally, by_day, in_ranges, raw_delete, tally_and

from .models import PriceReport, Shift, SupplyRequest, Volunteer


def _named():
    return PriceReport.objects.filter(Q(name_cipher__isnull=False) | Q(phone_cipher__isnull=False))


def _erase(rows) -> int:
    return rows.update(name_cipher=None, phone_cipher=None)


def reporter_identities_purge(*, before: datetime, dry_run: bool = False) -> int:
    """Erase the reporter of each price report closed before `before`."""
    closed = _named().filter(
        state__in=[PriceReport.State.CONFIRMED, PriceReport.State.DISMISSED], handled_at__lt=before
    )
    return in_ranges(closed, _erase, dry_run=dry_run)


def supply_requests_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete supply requests delivered or cancelled before `before` (requests per day, community and kind
    counted)."""
    closed = SupplyRequest.objects.filter(
        state__in=[SupplyRequest.State.DELIVERED, SupplyRequest.State.CANCELLED], closed_at__lt=before
    )
    return in_ranges(
        closed, tally_and(tally, "supply_requests", by_day("created_at", "kind"), raw_delete), dry_run=dry_run
    )


def volunteers_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete sign-ups declined or withdrawn before `before` (a withdrawal without a date: counted from the
    sign-up)."""
    ended = Q(state=Volunteer.State.DECLINED, decided_at__lt=before) | Q(
        Q(decided_at__lt=before) | Q(decided_at__isnull=True, applied_at__lt=before),
        state=Volunteer.State.WITHDRAWN,
    )
    return in_ranges(
        Volunteer.objects.filter(ended),
        tally_and(tally, "volunteers", by_day("applied_at", "state"), _with_shifts),
        dry_run=dry_run,
    )


def _with_shifts(volunteers) -> int:
    """Delete the sign-ups and their shifts first (the shifts point at them)."""
    raw_delete(Shift.objects.filter(volunteer__in=volunteers.values("pk")))
    return raw_delete(volunteers)


# ---------------------------------------------------------------- the end of the emergency


def emergency_destroy(*, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """Supply requests and volunteers' sign-ups (their counts per day, community and kind kept), and every
    price reporter's identity. The price reports themselves stay, without their reporters."""
    return {
        "supply_requests": in_ranges(
            SupplyRequest.objects.all(),
            tally_and(
                tally,
                "supply_requests",
                by_day("created_at", "kind"),
                raw_delete,
            ),
            dry_run=dry_run,
        ),
        "volunteers": in_ranges(
            Volunteer.objects.all(),
            tally_and(tally, "volunteers", by_day("applied_at", "state"), _with_shifts),
            dry_run=dry_run,
        ),
        "price_reporter_identities": in_ranges(_named(), _erase, dry_run=dry_run),
    }
