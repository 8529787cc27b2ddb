"""How long containment keeps what it learns about people (the district sets the periods: fangkong.dataprotection;
these functions take the moment before which a record has expired).

- Venue scans say who was where: deleted once older than the period (tracing looks back 28 days at most), except
  the scans of a person whose confirmed case is still open (their contacts may still be traced).
- Sentinel reports (a clinic's fever patient, a pharmacy's drug purchase) are deleted with their alert once
  older than the period, except those whose alert the community has not handled yet.
- Transfers (转运) are deleted once the person was released from isolation (or the transfer was cancelled) longer
  ago than the period.
- Close contacts are deleted once their last contact with the case is older than the period, except the contacts
  of a case still open and those a transfer still refers to.
- Confirmed cases are deleted once released longer ago than the period — after their contacts and transfers
  (a case that one of them still refers to waits for it).
- Manual status changes are deleted with their appeals once they ended (expired, revoked or refused) longer ago
  than the period; a change awaiting a decision, or with an appeal not yet decided, stays.
- Hospital inpatients are deleted with their escorts once discharged longer ago than the period.

None of these touches anyone's status: it is derived from open cases, isolation in progress and changes in
force, never from what a purge can reach.

Deleted rows leave their counts per day and jurisdiction behind (the `tally`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from fangkong.core import clock, partitions
from fangkong.core.purging import Tally, by_day, daily, in_ranges, raw_delete, tally_and

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
    open_case = Q(Exists(Case.objects.filter(person_id=OuterRef("person_id"), released_at__isnull=True)))
    # Whole days first (PostgreSQL's partitions), then row by row whatever is left (core.partitions).
    dropped = partitions.drop_before(
        VenueScan,
        before=before,
        keep=[open_case],
        settle=tally_and(tally, "venue_scans", _venue_counts, lambda rows: 0),
        dry_run=dry_run,
    )
    return dropped + in_ranges(
        VenueScan.objects.filter(at__lt=before),
        tally_and(tally, "venue_scans", _venue_counts, raw_delete),
        keep=open_case,
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


def transfers_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete transfers released from isolation (or cancelled: counted from the dispatch) before `before`."""
    ended = Q(state=Transfer.State.RELEASED, released_at__lt=before) | Q(
        state=Transfer.State.CANCELLED, dispatched_at__lt=before
    )
    return in_ranges(
        Transfer.objects.filter(ended),
        tally_and(tally, "transfers", by_day("dispatched_at", "state"), raw_delete),
        dry_run=dry_run,
    )


def change_running() -> Exists:
    """The person has a manual status change still running — awaiting a decision, in force, or under an appeal
    not yet decided: the case or contact it may cite as its basis ("[case:12]") stays for whoever decides."""
    running = Q(state=StatusChange.State.PENDING) | Q(state=StatusChange.State.APPLIED, expires_at__gt=clock.now())
    running |= Q(appeals__state=Appeal.State.OPEN)
    return Exists(StatusChange.objects.filter(running, person_id=OuterRef("person_id")))


def close_contacts_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete close contacts whose last contact was before `before`, except those of an open case, those a
    transfer still refers to and those of a person whose manual status change still runs."""
    open_case = Exists(Case.objects.filter(pk=OuterRef("case_id"), released_at__isnull=True))
    transferred = Exists(Transfer.objects.filter(contact=OuterRef("pk")))
    return in_ranges(
        CloseContact.objects.filter(last_contact_at__lt=before),
        tally_and(tally, "close_contacts", by_day("last_contact_at", "case__source"), raw_delete),
        keep=[Q(open_case), Q(transferred), Q(change_running())],
        dry_run=dry_run,
    )


def cases_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete cases released before `before`, except those a close contact or a transfer still refers to and
    those of a person whose manual status change still runs."""
    contacts = Exists(CloseContact.objects.filter(case=OuterRef("pk")))
    transfers = Exists(Transfer.objects.filter(case=OuterRef("pk")))
    return in_ranges(
        Case.objects.filter(released_at__lt=before),
        tally_and(tally, "cases", by_day("confirmed_at", "source"), raw_delete),
        keep=[Q(contacts), Q(transfers), Q(change_running())],
        dry_run=dry_run,
    )


def _changes_delete(rows) -> int:
    raw_delete(Appeal.objects.filter(change__in=rows.values("pk")))
    return raw_delete(rows)


def status_changes_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete manual status changes that ended before `before` — applied ones at their expiry, revoked ones at the
    revocation, refused ones at the refusal — with their appeals, except those with an appeal still open."""
    applied = Q(state=StatusChange.State.APPLIED, expires_at__lt=before)
    revoked = Q(state=StatusChange.State.REVOKED, revoked_at__lt=before)
    refused = Q(state=StatusChange.State.REJECTED, decided_at__lt=before)
    open_appeal = Exists(Appeal.objects.filter(change=OuterRef("pk"), state=Appeal.State.OPEN))
    return in_ranges(
        StatusChange.objects.filter(applied | revoked | refused),
        tally_and(tally, "status_changes", by_day("requested_at", "state"), _changes_delete),
        keep=Q(open_appeal),
        dry_run=dry_run,
    )


def _inpatients_delete(rows) -> int:
    raw_delete(Escort.objects.filter(inpatient__in=rows.values("pk")))
    return raw_delete(rows)


def inpatients_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete inpatients discharged before `before`, with their escorts (admissions per day and hospital
    counted)."""
    return in_ranges(
        Inpatient.objects.filter(discharged_at__lt=before),
        tally_and(tally, "inpatients", by_day("admitted_at", "unit__name"), _inpatients_delete),
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
