"""How long screening keeps what it learns about people, and what it keeps after (the district sets the periods:
fangkong.dataprotection; these functions take the moment before which a record has expired).

- Passages are whereabouts: deleted once expired. A passage that opened a closed-loop case still running stays
  until the case is released; cases and violations keep their own dates and places without it.
- Travel reports (离盘报备) are deleted once the trip ended longer ago than the period — except those of a person
  with a violation still to be handled (the reports are what the violation is judged against).
- Closed-loop cases (follow-ups) are deleted with their tests once released longer ago than the period.
- Violations (an exit without a travel report) are deleted once handled longer ago than the period.

Deleted rows leave their counts per day and jurisdiction behind (the `tally`), so the statistics outlive them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat

from fangkong.core import clock, partitions
from fangkong.core.purging import Tally, by_day, daily, holds, in_ranges, raw_delete, tally_and

from .models import FollowUp, FollowUpTest, Passage, ScreeningSettings, TravelReport, Violation


def passages_purge(*, before: datetime | None = None, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete passages registered before `before` (default: the screening settings' retention period)."""
    if before is None:
        before = clock.now() - timedelta(days=ScreeningSettings.current().passage_retention_days)
    running = Q(Exists(FollowUp.objects.filter(passage=OuterRef("pk"), released_at__isnull=True)))
    # Whole days first (PostgreSQL's partitions), then row by row whatever is left (core.partitions).
    dropped = partitions.drop_before(
        Passage,
        before=before,
        keep=[running],
        settle=tally_and(tally, "passages", _passage_counts, _passages_unlink),
        dry_run=dry_run,
    )
    return dropped + in_ranges(
        Passage.objects.filter(at__lt=before),
        tally_and(tally, "passages", _passage_counts, _passages_delete),
        keep=running,
        dry_run=dry_run,
    )


def _passage_counts(rows) -> list[tuple]:
    # Arrivals and exits per day and destination, by the instruction given: what the reconciliation and the
    # situation report count.
    kind = Concat("direction", Value(":"), "instruction", output_field=CharField())
    return daily(rows, day="at", where="jpath", what=kind)


def _passages_unlink(rows) -> int:
    # What refers to a passage keeps its own time and place (on_delete=SET_NULL in the models): drop the link.
    ids = rows.values("pk")
    FollowUp.objects.filter(passage__in=ids).update(passage=None)
    Violation.objects.filter(passage__in=ids).update(passage=None)
    return 0


def _passages_delete(rows) -> int:
    _passages_unlink(rows)
    return raw_delete(rows)


def travel_reports_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete travel reports whose trip ended (return date) before `before`'s day, except a person's whose
    violation is still open."""
    open_violation = Exists(Violation.objects.filter(person_id=OuterRef("person_id"), outcome=Violation.Outcome.OPEN))
    return in_ranges(
        TravelReport.objects.filter(return_on__lt=clock.localdate(before)),
        tally_and(tally, "travel_reports", _travel_counts, raw_delete),
        keep=Q(open_violation),
        dry_run=dry_run,
    )


def _travel_counts(rows) -> list[tuple]:
    return daily(rows, day="depart_on", where="jpath", what="approval")


def followups_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete closed-loop cases released before `before`, with their tests, except those a module above holds
    (core.purging holds: a person's status change still running may cite the case)."""
    return in_ranges(
        FollowUp.objects.filter(released_at__lt=before),
        tally_and(tally, "followups", _followup_counts, _followups_delete),
        keep=holds("followups"),
        dry_run=dry_run,
    )


def _followup_counts(rows) -> list[tuple]:
    # "Nobody missed": how many cases each community owned per day, and whether they were contacted in time.
    outcome = Case(
        When(contacted_at__isnull=True, then=Value("not_contacted")),
        When(contacted_at__lte=F("contact_due_at"), then=Value("contacted_in_time")),
        default=Value("contacted_late"),
        output_field=CharField(),
    )
    return daily(rows, day="opened_at", where="jpath", what=outcome)


def _followups_delete(rows) -> int:
    FollowUpTest.objects.filter(followup__in=rows.values("pk")).delete()
    return raw_delete(rows)


def violations_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete violations handled before `before` (the open ones stay)."""
    handled = Violation.objects.exclude(outcome=Violation.Outcome.OPEN).filter(handled_at__lt=before)
    return in_ranges(handled, tally_and(tally, "violations", by_day("at", "outcome"), raw_delete), dry_run=dry_run)


# ---------------------------------------------------------------- the end of the emergency


def emergency_destroy(*, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """Every record of screening that concerns a person, whatever its age or state: follow-ups and their tests,
    violations, travel reports, passages. Checkpoints, shifts, risk areas, the protocol and the requests to pass
    unregistered (a record about officials, for discipline inspection) stay."""
    counts = {"followup_tests": in_ranges(FollowUpTest.objects.all(), raw_delete, dry_run=dry_run)}
    counts["followups"] = in_ranges(
        FollowUp.objects.all(), tally_and(tally, "followups", _followup_counts, raw_delete), dry_run=dry_run
    )
    counts["violations"] = in_ranges(
        Violation.objects.all(),
        tally_and(tally, "violations", by_day("at", "outcome"), raw_delete),
        dry_run=dry_run,
    )
    counts["travel_reports"] = in_ranges(
        TravelReport.objects.all(), tally_and(tally, "travel_reports", _travel_counts, raw_delete), dry_run=dry_run
    )
    counts["passages"] = in_ranges(
        Passage.objects.all(), tally_and(tally, "passages", _passage_counts, raw_delete), dry_run=dry_run
    )
    return counts
