"""How long the registry keeps what arrived for the emergency (the district sets the periods:
fangkong.dataprotection; these functions take the moment before which a record has expired).

- Uploaded roster files hold every row of a roster: the import clears its file when it ends; whatever is left
  (an import whose worker died) is cleared once older than the period. The job's report stays.
- People met in the field who are not residents (registered at a checkpoint or a clinic on their way through)
  are deleted once registered longer ago than the period *and* nothing refers to them any more — no passage,
  case, sample, report… of any module (found from the models' relations, so a module added later counts too).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q

from fangkong.core.purging import Tally, daily, in_ranges, raw_delete, tally_and

from .models import HouseholdCode, ImportJob, Person, PersonCode, PersonTag


def import_files_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Clear the uploaded file of every import job started before `before` (the job and its report stay)."""
    return in_ranges(
        ImportJob.objects.filter(created_at__lt=before).exclude(content=b""),
        lambda rows: rows.update(content=b""),
        dry_run=dry_run,
    )


def _relations() -> list[models.ForeignObjectRel]:
    # Every foreign key to Person, the hidden ones too (related_name="+": venue scans, sentinel reports, close
    # contacts … — `_meta.related_objects` leaves those out).
    return [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if isinstance(f, models.ForeignObjectRel) and (f.one_to_many or f.one_to_one)
    ]


def _owned() -> list[models.ForeignObjectRel]:
    # What goes with the person (tags, a personal code, the derived status): on_delete=CASCADE in the models.
    return [rel for rel in _relations() if rel.on_delete is models.CASCADE]


def _referred() -> list[Q]:
    """A person anything else still refers to (a passage, a sample, a case …): every other relation to Person."""
    return [
        Q(Exists(rel.related_model._base_manager.filter(**{rel.field.name: OuterRef("pk")})))
        for rel in _relations()
        if rel.on_delete is not models.CASCADE
    ]


def _people_delete(rows) -> int:
    ids = rows.values("pk")
    for rel in _owned():
        raw_delete(rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids}))
    return raw_delete(rows)


def _visitor_counts(rows) -> list[tuple]:
    return daily(rows, day="created_at", where="jpath", what="doc_type")


def visitors_purge(*, before: datetime, dry_run: bool = False, tally: Tally | None = None) -> int:
    """Delete non-residents registered before `before` whom no record of any module refers to any more."""
    return in_ranges(
        Person.objects.filter(is_resident=False, created_at__lt=before),
        tally_and(tally, "visitors", _visitor_counts, _people_delete),
        keep=_referred(),
        dry_run=dry_run,
    )


# ---------------------------------------------------------------- the end of the emergency


def emergency_destroy(*, dry_run: bool = False, tally: Tally | None = None) -> dict[str, int]:
    """What the registry holds because of the emergency: uploaded roster files, personal and household codes,
    the "key population" tag, and the non-residents met in the field (once the other modules have deleted what
    referred to them). The register of residents, their households and the other tags (elderly living alone,
    bedridden …) stay: grid work goes on."""
    visitors = Person.objects.filter(is_resident=False)
    return {
        "personal_codes": in_ranges(PersonCode.objects.all(), raw_delete, dry_run=dry_run),
        "household_codes": in_ranges(HouseholdCode.objects.all(), raw_delete, dry_run=dry_run),
        "import_files": in_ranges(
            ImportJob.objects.exclude(content=b""), lambda rows: rows.update(content=b""), dry_run=dry_run
        ),
        "key_population_tags": in_ranges(
            PersonTag.objects.filter(tag=PersonTag.Tag.KEY_POPULATION), raw_delete, dry_run=dry_run
        ),
        # A dry run counts every non-resident: what still refers to them is what the same run would destroy.
        "visitors": visitors.count()
        if dry_run
        else in_ranges(visitors, tally_and(tally, "visitors", _visitor_counts, _people_delete), keep=_referred()),
    }
