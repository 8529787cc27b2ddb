"""The classes of personal data the platform keeps, each with its default period, what the period counts from,
what happens at its end and what is held back. The functions doing it live in each module's retention.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fangkong.containment import retention as containment
from fangkong.core.models import IdempotencyRecord
from fangkong.core.purging import Tally, in_ranges, raw_delete
from fangkong.core.retention import sessions_purge
from fangkong.livelihood import retention as livelihood
from fangkong.registry import retention as registry
from fangkong.safety import retention as safety
from fangkong.screening import retention as screening
from fangkong.testing import retention as testing

Run = Callable[[datetime, bool, Tally], dict[str, int]]


@dataclass(frozen=True)
class DataClass:
    key: str
    label: str | Promise
    counted_from: str | Promise  # "… days after <this>"
    default_days: int
    min_days: int
    max_days: int
    outcome: str | Promise  # what happens at the end of the period
    held_back: str | Promise  # what stays beyond it
    run: Run


def _api_replies(before: datetime, dry_run: bool, tally: Tally) -> dict[str, int]:
    # A device retries within minutes; after that a stored reply (which repeats what the device was told about a
    # person) has done its work.
    old = IdempotencyRecord.objects.filter(created_at__lt=before)
    return {"deleted": in_ranges(old, raw_delete, dry_run=dry_run)}


CLASSES: list[DataClass] = [
    DataClass(
        "passages",
        _("Checkpoint passages"),
        _("the passage"),
        30,
        7,  # the screening settings' own limits (the same number)
        365,
        _("deleted; arrivals per day and community counted"),
        _("a passage that opened a closed-loop case still running"),
        lambda before, dry_run, tally: {
            "deleted": screening.passages_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "venue_scans",
        _("Venue scans"),
        _("the scan"),
        28,
        7,
        365,
        _("deleted; scans per day and venue counted"),
        _("the scans of a person whose confirmed case is still open"),
        lambda before, dry_run, tally: {
            "deleted": containment.venue_scans_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "travel_reports",
        _("Travel reports"),
        _("the end of the trip"),
        30,
        30,  # a checkpoint looks back up to 30 days at the trips a traveller reported (screening settings)
        365,
        _("deleted; reports per day and community counted"),
        _("the reports of a person with a violation still to be handled"),
        lambda before, dry_run, tally: {
            "deleted": screening.travel_reports_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "samples",
        _("Test samples and results"),
        _("the round's deadline"),
        90,
        7,
        730,
        _("samples lose their person (coverage and timings stay); recalls deleted"),
        _("rounds with a recall not yet resolved; the samples of a person whose confirmed case is still open"),
        lambda before, dry_run, tally: testing.samples_purge(before=before, dry_run=dry_run, tally=tally),
    ),
    DataClass(
        "followups",
        _("Closed-loop cases"),
        _("the release"),
        30,
        1,
        365,
        _("deleted with their tests; cases per day and community counted"),
        _("cases not yet released; a case of someone whose manual status change still runs"),
        lambda before, dry_run, tally: {
            "deleted": screening.followups_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "sentinel_reports",
        _("Sentinel reports"),
        _("the report"),
        30,
        1,
        365,
        _("deleted with their alerts; reports per day and unit counted"),
        _("reports whose alert the community has not handled"),
        lambda before, dry_run, tally: {
            "deleted": containment.sentinel_reports_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    # Transfers, then close contacts, then cases: each refers to the next, so one run takes all three.
    DataClass(
        "transfers",
        _("Transfers to isolation"),
        _("the release from isolation (a cancelled transfer: its dispatch)"),
        90,
        14,
        730,
        _("deleted; transfers per day and jurisdiction counted"),
        _("transfers under way or in isolation"),
        lambda before, dry_run, tally: {
            "deleted": containment.transfers_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "close_contacts",
        _("Close contacts"),
        _("the last contact with the case"),
        60,
        14,
        730,
        _("deleted; contacts per day and jurisdiction counted"),
        _("the contacts of a case still open; a contact a transfer refers to, or whose status change still runs"),
        lambda before, dry_run, tally: {
            "deleted": containment.close_contacts_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "cases",
        _("Confirmed cases"),
        _("the release"),
        180,
        30,
        1825,
        _("deleted; cases per day and jurisdiction counted"),
        _("cases not yet released; a case a contact or a transfer refers to, or whose status change still runs"),
        lambda before, dry_run, tally: {
            "deleted": containment.cases_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "status_changes",
        _("Manual status changes and appeals"),
        _("the end of the change (expiry, revocation or refusal)"),
        365,  # the record that protects against abuse of status changes: kept long enough to be looked into
        90,
        1825,
        _("deleted with their appeals; changes per day and jurisdiction counted"),
        _("changes in force or awaiting a decision; changes with an appeal not yet decided"),
        lambda before, dry_run, tally: {
            "deleted": containment.status_changes_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "inpatients",
        _("Hospital inpatients and escorts"),
        _("the discharge"),
        30,
        7,
        365,
        _("deleted with their escorts; admissions per day and hospital counted"),
        _("patients not yet discharged"),
        lambda before, dry_run, tally: {
            "deleted": containment.inpatients_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "violations",
        _("Violations (exits without a travel report)"),
        _("the handling"),
        180,
        30,
        730,
        _("deleted; violations per day and community counted by outcome"),
        _("violations still to be handled"),
        lambda before, dry_run, tally: {
            "deleted": screening.violations_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "supply_requests",
        _("Supply requests of sealed homes"),
        _("the delivery or cancellation"),
        30,
        7,
        365,
        _("deleted; requests per day, community and kind counted"),
        _("requests still open"),
        lambda before, dry_run, tally: {
            "deleted": livelihood.supply_requests_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "volunteers",
        _("Volunteers' sign-ups"),
        _("the refusal or withdrawal"),
        30,
        7,
        365,
        _("deleted; sign-ups per day and community counted"),
        _("volunteers serving or awaiting an answer (they go at the end of the emergency)"),
        lambda before, dry_run, tally: {
            "deleted": livelihood.volunteers_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "reporter_identities",
        _("Reporters' identities"),
        _("the closing of the report"),
        365,
        30,
        1825,
        _("name and phone erased; the report stays"),
        _("reports not yet closed"),
        lambda before, dry_run, tally: {
            "erased": safety.reporter_identities_purge(before=before, dry_run=dry_run)
            + livelihood.reporter_identities_purge(before=before, dry_run=dry_run)
        },
    ),
    DataClass(
        "import_files",
        _("Uploaded roster files"),
        _("the upload"),
        1,
        1,
        30,
        _("file cleared; the import's report stays"),
        _("nothing"),
        lambda before, dry_run, tally: {"cleared": registry.import_files_purge(before=before, dry_run=dry_run)},
    ),
    DataClass(
        "visitors",
        _("Non-residents met in the field"),
        _("their registration"),
        30,
        7,
        365,
        _("deleted once nothing refers to them"),
        _("anyone a record of any module still refers to"),
        lambda before, dry_run, tally: {
            "deleted": registry.visitors_purge(before=before, dry_run=dry_run, tally=tally)
        },
    ),
    DataClass(
        "api_replies",
        _("Stored API replies"),
        _("the request"),
        2,
        1,
        7,
        _("deleted"),
        _("nothing"),
        _api_replies,
    ),
    DataClass(
        "sessions",
        _("Sign-in sessions and devices"),
        _("the session's end"),
        1,
        1,
        30,
        _("deleted"),
        _("nothing"),
        lambda before, dry_run, tally: sessions_purge(before=before, dry_run=dry_run),
    ),
]


# The counts a run reports (the audit event's keys), as HQ's page says them.
RUN_WORDS: dict[str, str | Promise] = {
    "deleted": _("deleted"),
    "cleared": _("cleared"),
    "anonymised": _("anonymised"),
    "erased": _("erased"),
    "devices_deleted": _("devices deleted"),
    "recalls_deleted": _("recalls deleted"),
    "sessions_deleted": _("sessions deleted"),
}

BY_KEY: dict[str, DataClass] = {c.key: c for c in CLASSES}


@dataclass(frozen=True)
class Destroyer:
    module: str
    destroy: Callable[..., dict[str, int]]


# The end of the emergency, in an order that leaves nothing pointing at a deleted row: containment's records
# point at people and at cases; screening's at passages; the non-residents go last, once nothing refers to them.
EMERGENCY: list[Destroyer] = [
    Destroyer("containment", containment.emergency_destroy),
    Destroyer("screening", screening.emergency_destroy),
    Destroyer("testing", testing.emergency_destroy),
    Destroyer("livelihood", livelihood.emergency_destroy),
    Destroyer("registry", registry.emergency_destroy),
]
