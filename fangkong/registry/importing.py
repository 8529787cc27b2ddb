"""Roster import: validate every row, then write all valid rows in one transaction.

Re-importing a file changes nothing: people are matched on their document number's keyed hash. A row repeated
within the file counts once; a repeat with different data is rejected, naming the earlier row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.audit import audit_event, audit_record, audit_record_many
from fangkong.core.bulk import insert_many
from fangkong.core.errors import Code, FieldError
from fangkong.core.jobs import job, run_after_commit
from fangkong.core.models import AuditEvent
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.core.tables import table_check

from . import errors
from .counts import residents_add, residents_moved
from .models import ImportJob, Jurisdiction, Person, Place, jurisdictions_by_id
from .results import ImportResult
from .roster import open_roster, row_values
from .services import (
    PersonData,
    audit_fields,
    pending_detail,
    person_data_clean,
    person_fields,
    transfer_request_event,
)

BATCH = 2000
Progress = Callable[[str, int, int], None]  # (phase, done, total)


class _Places:
    """Communities and grids the importer may write to, found by name or code."""

    def __init__(self, actor):
        scope = scope_for(actor, Cap.PEOPLE_IMPORT)
        if scope.empty:
            raise Forbidden(Cap.PEOPLE_IMPORT)
        self.scope = scope
        self.by_key: dict[str, list[Jurisdiction]] = {}
        self.grids: dict[tuple[int, str], Jurisdiction] = {}
        self.households: dict[int, dict[tuple[str, str, str], Place]] = {}  # per community, read when first named
        visible = Jurisdiction.objects.filter(scope.q("path"))
        for j in visible.filter(level=Jurisdiction.Level.COMMUNITY):
            self.by_key.setdefault(j.code, []).append(j)
            self.by_key.setdefault(j.name, []).append(j)
        for g in visible.filter(level=Jurisdiction.Level.GRID):
            self.grids[(g.parent_id, g.code)] = g
            self.grids[(g.parent_id, g.name)] = g

    def community(self, text: str) -> Jurisdiction:
        found = self.by_key.get(text.strip(), [])
        if not found:
            raise FieldError(
                "community",
                _("No community or village of that name or code in your jurisdiction."),
                code=Code.NOT_FOUND,
            )
        if len(found) > 1:
            raise FieldError(
                "community",
                _("Several communities have this name; give the community code."),
                code=errors.Code.AMBIGUOUS,
            )
        return found[0]

    def household(self, data: PersonData, values: dict[str, str]) -> Place | None:
        """The household the row names (compound, building, household) under the person's community; None when the
        row names none. The household must be in the person's grid, when the row gives one."""
        compound, building, household = (" ".join((values.get(c) or "").split()) for c in PLACE_COLUMNS)
        if not household:
            if compound or building:
                raise FieldError("household", _("Name the household too."), code=Code.REQUIRED)
            return None
        if not compound:
            raise FieldError("compound", _("Name the household's compound."), code=Code.REQUIRED)
        community = data.community
        if community.pk not in self.households:
            self.households[community.pk] = _households_under(community.path)
        place = self.households[community.pk].get((compound, building, household))
        if place is None:
            raise FieldError(
                "household", _("No such household in the community (set up its places first)."), code=Code.NOT_FOUND
            )
        if data.grid is not None and not place.jpath.startswith(data.grid.path):
            raise FieldError("household", _("This household is in another grid."), code=Code.INVALID)
        if data.grid is None and place.jurisdiction_id != community.pk:
            data.grid = jurisdictions_by_id().get(place.jurisdiction_id)  # the household's grid is theirs
        return place

    def grid(self, community: Jurisdiction, text: str) -> Jurisdiction | None:
        if not text.strip():
            return None
        grid = self.grids.get((community.pk, text.strip()))
        if grid is None:
            raise FieldError("grid", _("No grid of that name or code in the community."), code=Code.NOT_FOUND)
        return grid


PLACE_COLUMNS = ("compound", "building", "household")


def _households_under(path: str) -> dict[tuple[str, str, str], Place]:
    """Every household under a jurisdiction by (compound, building, household) names; building "" for a household
    directly in its compound (a village group's). One query."""
    out: dict[tuple[str, str, str], Place] = {}
    rows = Place.objects.filter(kind=Place.Kind.HOUSEHOLD, jpath__startswith=path).select_related("parent__parent")
    for h in rows:
        parent = h.parent
        if parent is None:
            continue
        if parent.kind == Place.Kind.BUILDING and parent.parent is not None:
            out[(parent.parent.name, parent.name, h.name)] = h
        elif parent.kind == Place.Kind.COMPOUND:
            out[(parent.name, "", h.name)] = h
    return out


def _clean_row(places: _Places, values: dict[str, str]) -> PersonData:
    community = places.community(values.get("community", ""))
    data = person_data_clean(
        name=values.get("name", ""),
        doc_type=values.get("document_type", ""),
        document_number=values.get("document_number", ""),
        phone=values.get("phone", ""),
        community=community,
        grid=places.grid(community, values.get("grid", "")),
        address=values.get("address", ""),
    )
    data.household = places.household(data, values)
    return data


def _changes(person: Person, data: PersonData) -> dict:
    """The model fields an import row changes. Empty optional cells mean "not known here", not "erase"."""
    changes: dict = {}
    if person.name != data.name:
        changes["name"] = data.name
    if data.phone and person.phone_hash != pii.lookup_hash(data.phone):
        changes["phone_cipher"] = pii.encrypt(data.phone)
        changes["phone_hash"] = pii.lookup_hash(data.phone)
    target = data.grid
    if target is None:
        # Keep the person's grid when the row names none and the community stays the same.
        same_community = person.community_id == data.community.pk
        target = person.jurisdiction if same_community else data.community
    if person.jurisdiction_id != target.pk:
        changes.update(community_id=data.community.pk, jurisdiction_id=target.pk, jpath=target.path)
    if data.address and person.address != data.address:
        changes["address"] = data.address
    if data.household is not None and person.household_id != data.household.pk:
        changes["household_id"] = data.household.pk
    return changes


def people_import(*, actor, filename: str, content: bytes, progress: Progress | None = None) -> ImportResult:
    """Import a roster. Raises FieldError for a file that cannot be read at all (bad header, not a roster)."""
    places = _Places(actor)
    roster = open_roster(filename, content)
    result = ImportResult()
    seen: dict[tuple[str, str], tuple[int, PersonData]] = {}
    total = roster.total
    for done, (row_number, raw) in enumerate(roster.rows, start=1):
        if progress and done % BATCH == 0:
            progress("reading", done, total)
        try:
            values = row_values(roster, raw)
            if values is None:
                continue
            data = _clean_row(places, values)
        except FieldError as exc:
            exc.row = row_number
            result.rejected.append(exc.as_dict())
            continue
        key = (data.doc_type, pii.lookup_hash(data.document_number))
        if key in seen:
            first_row, first = seen[key]
            if first != data:
                result.rejected.append(
                    FieldError(
                        "document_number",
                        _("The same document number is on row %(row)d with different data.") % {"row": first_row},
                        row_number,
                        code=Code.DUPLICATE,
                    ).as_dict()
                )
            continue
        seen[key] = (row_number, data)
    if progress:
        progress("writing", total, total)
    try:
        written = _write(actor, places, seen, filename)
    except IntegrityError:
        # Another import created some of the same people between our read and our write. The second
        # pass sees them as existing; the import is idempotent, so this is safe.
        written = _write(actor, places, seen, filename)
    result.created, result.updated, result.unchanged = written.created, written.updated, written.unchanged
    result.rejected = sorted(result.rejected + written.rejected, key=lambda r: r["row"])
    audit_record(
        actor=actor,
        action="people.import",
        object_type="registry.importfile",
        object_repr=filename[:200],
        fields={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": len(result.rejected),
        },
    )
    return result


@transaction.atomic
def _write(actor, places: _Places, seen: dict, filename: str) -> ImportResult:
    out = ImportResult()
    items = list(seen.items())
    now = clock.now()
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        hashes = [key[1] for key, _ in batch]
        existing = {
            (p.doc_type, p.doc_hash): p
            for p in Person.objects.filter(doc_hash__in=hashes).select_related("jurisdiction")
        }
        # A duplicate's document, merged into another record (registry.merging), updates the kept record.
        pointers = {key: p.merged_into_id for key, p in existing.items() if p.merged_into_id is not None}
        if pointers:
            kept_rows = Person.objects.select_related("jurisdiction").in_bulk(set(pointers.values()))
            existing.update({key: kept_rows[pk] for key, pk in pointers.items()})
        created: list[tuple[Person, AuditEvent]] = []
        to_update: list[Person] = []
        moved: list[tuple[Person, str]] = []  # (person, the jpath they leave)
        update_fields: set[str] = set()
        events: list[AuditEvent] = []
        first_row_of: dict[int, int] = {}  # person id → the batch's first row naming them (a merged document too)
        for key, (row_number, data) in batch:
            person = existing.get(key)
            if person is not None and first_row_of.setdefault(person.pk, row_number) != row_number:
                message = _("Row %(row)d names the same person (a merged duplicate's document).") % {
                    "row": first_row_of[person.pk]
                }
                out.rejected.append(FieldError("document_number", message, row_number, code=Code.DUPLICATE).as_dict())
                continue
            if person is None:
                new = Person(**person_fields(data), created_at=now, updated_at=now)
                event = audit_event(
                    actor=actor,
                    action="person.import.create",
                    object_type="registry.person",
                    jpath=data.jurisdiction.path,
                    object_repr=pii.mask_name(data.name),
                    fields=audit_fields(data),
                )
                created.append((new, event))
                continue
            if not places.scope.covers(person.jpath):
                # Held where the importer cannot see: handed to that jurisdiction as a request, and the row
                # answered as "recorded for confirmation" without where, whose or what name (services.person_create).
                events.append(transfer_request_event(actor=actor, person=person, data=data))
                out.rejected.append(
                    FieldError("document_number", pending_detail(), row_number, code=errors.Code.PENDING).as_dict()
                )
                continue
            changes = _changes(person, data)
            if not changes:
                out.unchanged += 1
                continue
            if "jpath" in changes and person.is_resident:
                moved.append((person, person.jpath))
            for name, value in changes.items():
                setattr(person, name, value)
            person.updated_at = now
            update_fields.update(changes, {"updated_at"})
            to_update.append(person)
            masked = {k: ("(changed)" if k.endswith(("cipher", "hash")) else v) for k, v in changes.items()}
            events.append(audit_event(actor=actor, action="person.import.update", obj=person, fields=masked))
        insert_many([p for p, _ in created])
        # The hall's counts of residents, in step (registry.counts): the new ones where they live, the moved ones
        # from where they were.
        counted = residents_moved((old, p.jpath) for p, old in moved)
        for p, _event in created:
            counted[p.jpath] = counted.get(p.jpath, 0) + 1
        residents_add(counted)
        for person, event in created:
            event.object_id = str(person.pk)
            events.append(event)
        if to_update:
            Person.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
        audit_record_many(events)
        out.created += len(created)
        out.updated += len(to_update)
    return out


# ---------------------------------------------------------------- import jobs (the upload page)
#
# A job runs after commit (a thread of the web process, or a Celery worker) and renews heartbeat_at with each
# progress report. A worker that dies (a restart, a killed process, a lost message) leaves the job pending or
# running: after IMPORT_JOB_STALE_MINUTES without a heartbeat it shows as failed ("stopped") and its owner may
# restart it while the file is kept (retention clears any file a day after the upload, whatever the job's state).
# Whoever runs a job first claims it in one UPDATE, so a restarted job, or one Celery hands to a second worker
# after the first died, runs once at a time.


def _stale_minutes() -> int:
    return int(settings.FANGKONG.get("IMPORT_JOB_STALE_MINUTES", 10))


def _silent_since(moment) -> Q:
    """Jobs whose last sign of life (heartbeat, else start, else creation) is before `moment`."""
    return (
        Q(heartbeat_at__lt=moment)
        | Q(heartbeat_at__isnull=True, started_at__lt=moment)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=moment)
    )


def import_job_start(*, actor, filename: str, content: bytes) -> ImportJob:
    """Queue an import; it runs after commit (in a background thread when serving) and reports progress.
    A file too large to read, or no table at all, is refused here (FieldError) and never stored."""
    if scope_for(actor, Cap.PEOPLE_IMPORT).empty:
        raise Forbidden(Cap.PEOPLE_IMPORT)
    table_check(filename, content)
    with transaction.atomic():
        job = ImportJob.objects.create(user=actor, filename=filename[:200], content=content)
        run_after_commit(import_job_run, job.pk)
    return job


def _claim(job_id: int) -> bool:
    """Take the job: pending, or running with a silent worker (a dead one), and its file still there."""
    now = clock.now()
    claimable = Q(status=ImportJob.Status.PENDING) | (
        Q(status=ImportJob.Status.RUNNING) & _silent_since(now - timedelta(minutes=_stale_minutes()))
    )
    taken = (
        ImportJob.objects.filter(claimable, pk=job_id)
        .exclude(content=b"")
        .update(
            status=ImportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            phase="",
            processed_rows=0,
            error="",
            error_code="",
        )
    )
    return taken == 1


def _end(job_id: int, **fields) -> None:
    # The uploaded file holds personal data in clear: it goes as soon as the job ends, whichever way.
    ImportJob.objects.filter(pk=job_id).update(content=b"", finished_at=clock.now(), **fields)


@job
def import_job_run(job_id: int) -> None:
    if not _claim(job_id):
        return  # done, failed, taken by a live worker, or its file already cleared
    job = ImportJob.objects.select_related("user").get(pk=job_id)

    def progress(phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=total, phase=phase, heartbeat_at=clock.now()
        )

    try:
        result = people_import(actor=job.user, filename=job.filename, content=bytes(job.content), progress=progress)
    except FieldError as exc:
        if exc.row is None:
            exc.row = 1
        _end(
            job_id,
            status=ImportJob.Status.FAILED,
            error=exc.message,
            error_code=exc.code,
            result={"file_error": exc.as_dict()},
        )
        return
    except Exception:
        _end(job_id, status=ImportJob.Status.FAILED, error="", error_code=errors.Code.INTERNAL)
        raise
    _end(
        job_id,
        status=ImportJob.Status.DONE,
        result=result.as_dict(),
        processed_rows=F("total_rows"),
        heartbeat_at=clock.now(),
    )


def import_job_get(*, user, job_id: int) -> ImportJob:
    """A user sees only their own import jobs."""
    try:
        return ImportJob.objects.defer("content").get(pk=job_id, user=user)
    except ImportJob.DoesNotExist as exc:
        raise NotFound from exc


def import_job_restartable(job: ImportJob) -> bool:
    """Stopped (its worker died) and its file still kept."""
    return job.stopped and ImportJob.objects.filter(pk=job.pk).exclude(content=b"").exists()


def import_job_restart(*, actor, job_id: int) -> ImportJob:
    """Run again an import whose worker died, from the file kept for it."""
    job = import_job_get(user=actor, job_id=job_id)
    if scope_for(actor, Cap.PEOPLE_IMPORT).empty:
        raise Forbidden(Cap.PEOPLE_IMPORT)
    now = clock.now()
    with transaction.atomic():
        restarted = (
            ImportJob.objects.filter(
                _silent_since(now - timedelta(minutes=_stale_minutes())),
                pk=job.pk,
                status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING],
            )
            .exclude(content=b"")
            .update(status=ImportJob.Status.PENDING, heartbeat_at=now, phase="", processed_rows=0)
        )
        if not restarted:
            if job.stopped:
                raise FieldError("file", _("The uploaded file is no longer kept; upload it again."), code=Code.EXPIRED)
            raise FieldError("job", _("Only an import that stopped can be restarted."), code=errors.Code.NOT_STOPPED)
        audit_record(
            actor=actor,
            action="people.import_restart",
            object_type="registry.importjob",
            object_id=str(job.pk),
            object_repr=job.filename[:200],
        )
        run_after_commit(import_job_run, job.pk)
    job.refresh_from_db(fields=["status", "heartbeat_at", "phase", "processed_rows"])
    return job
