"""How long containment keeps what it learns about people (the district sets the periods: fangkong.dataprotection;
these functions take the moment before which a record has expired).

- Venue scans say who was where: deleted once older than the period (tracing looks back 28 days at most), except
  the scans of a person whose confirmed case is still open (their contacts may still be traced).
- Sentinel reports (a clinic's fever patient, a pharmacy's drug purchase) are deleted with their alert once
  older than the period, except those whose alert the community has not handled yet.

Deleted rows leave their counts per day and jurisdiction behind (the `tally`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from fangkong.core.purging import Tally, daily, in_ranges, raw_delete, tally_and

from .models import (
    Appeal,
    Case,
    CloseContact,
    Escort,
    Inpatient,
    PersonStatus,
    SentinelAlert,
    SentinelReport,
    StatusChange,
    Transfer,
    VenueScan,
)


def _venue_counts(rows) -> list[tuple]:
    return daily(rows, day="at", where="jpath", what="colour")


def venue_scans_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete venue scans made before `before`, except those of a person with an open case."""
    open_case = Exists(Case.objects.filter(person_id=OuterRef("person_id"), released_at__isnull=True))
    return in_ranges(
        VenueScan.objects.filter(at__lt=before),
        tally_and(tally, "venue_scans", _venue_counts, raw_delete),
        keep=Q(open_case),
        dry_run=dry_run,
    )


def _sentinel_counts(rows) -> list[tuple]:
    return daily(rows, day="at", where="jpath", what="kind")


def _sentinels_delete(rows) -> int:
    raw_delete(SentinelAlert.objects.filter(report__in=rows.values("pk")))
    return raw_delete(rows)


def sentinel_reports_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete sentinel reports made before `before` with their alerts, except those with an alert not handled."""
    unhandled = Exists(SentinelAlert.objects.filter(report=OuterRef("pk"), handled_at__isnull=True))
    return in_ranges(
        SentinelReport.objects.filter(at__lt=before),
        tally_and(tally, "sentinel_reports", _sentinel_counts, _sentinels_delete),
        keep=Q(unhandled),
        dry_run=dry_run,
    )


# ---------------------------------------------------------------- the end of the emergency


def emergency_destroy(*, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """Every record of containment that concerns a person, whatever its state, in an order that leaves nothing
    pointing at a deleted row: sentinel alerts and reports, appeals and manual status changes, transfers, close
    contacts and cases, escorts and inpatients, venue scans, and the derived statuses (a person without any of
    these is green). Zones, their levels, isolation sites and venue codes stay: they concern places."""

    def run(name: str, rows, day: str = "", where: str = "jpath", what: str = "") -> int:
        counting = (lambda chunk: daily(chunk, day=day, where=where, what=what)) if day else (lambda chunk: [])
        return in_ranges(rows, tally_and(tally, name, counting, raw_delete), dry_run=dry_run)

    counts = {
        "sentinel_alerts": run("sentinel_alerts", SentinelAlert.objects.all()),
        "sentinel_reports": run("sentinel_reports", SentinelReport.objects.all(), "at", what="kind"),
        "appeals": run("appeals", Appeal.objects.all(), "filed_at", "change__jpath", "state"),
        "status_changes": run("status_changes", StatusChange.objects.all(), "requested_at", what="colour"),
        "transfers": run("transfers", Transfer.objects.all(), "dispatched_at", what="state"),
        "close_contacts": run("close_contacts", CloseContact.objects.all(), "recorded_at", what="case__source"),
        "cases": run("cases", Case.objects.all(), "confirmed_at", what="source"),
        "escorts": run("escorts", Escort.objects.all()),
        "inpatients": run("inpatients", Inpatient.objects.all(), "admitted_at", what="ward"),
        "venue_scans": run("venue_scans", VenueScan.objects.all(), "at", what="colour"),
        "personal_statuses": run("personal_statuses", PersonStatus.objects.all()),
    }
    return counts
