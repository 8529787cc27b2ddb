"""Duplicate person records, found and merged (`people.merge`, both records within the merger's reach).

Found (`people_duplicates`), each group with its reason:
- `name_birth_phone`: the same name, birth date and phone;
- `documents`: the same name and phone under two kinds of document (an ID card and a passport of one person);
- `old_id`: an old 15-digit ID number kept as another document next to its 18-digit form.

Merged (`person_merge`): every reference in every app — passages, samples, cases, statuses, travel reports, venue
scans … — moves to the kept record in one transaction, found by the foreign keys that point to Person (a module's
model needs nothing to take part). Where a model allows one row per person (and per something else), the merged
record's colliding rows are dropped when the model says they may be (`MERGE_DROPS_COLLISIONS = True`: a tag, a
personal code, a derived status), else the merge is refused naming what collides. The merged record remains as a
tombstone pointing to the kept one (`merged_into`): a look-up by its document finds the kept person, its id answers
404 with the pointer. The merge is audited with its reason and what moved; `registry.person_merged` is announced so
that derived data (a status) is recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from fangkong.core import clock, events, pii
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import DocType, InvalidDocument, clean_document
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for

from . import errors
from .counts import residents_add
from .events import PERSON_MERGED
from .models import Person


class PersonMergeInput(FormInput):
    into: int
    reason: str = ""


GROUP_LIMIT = 1000  # groups answered at once: a district cleans its register a page at a time


@dataclass(frozen=True)
class Duplicate:
    people: list[int]
    reason: str  # name_birth_phone | documents | old_id


def _merge_scope(user):
    scope = scope_for(user, Cap.PEOPLE_MERGE)
    if scope.empty:
        raise Forbidden(Cap.PEOPLE_MERGE)
    return scope


def people_duplicates(*, user, limit: int = GROUP_LIMIT) -> list[Duplicate]:
    """Groups of records that are probably one person, within the user's reach (every record of a group)."""
    scope = _merge_scope(user)
    live = Person.objects.filter(merged_into__isnull=True)
    if not scope.district_wide:
        # A street's register is read along the path index; the whole district's in one scan of the table (the
        # index would walk all 1.4 million rows in its order: seven times slower, measured).
        live = live.filter(scope.q())
    out: list[Duplicate] = []
    seen: set[tuple[int, ...]] = set()

    def add(ids, reason: str) -> None:
        key = tuple(sorted(ids))
        if len(key) > 1 and key not in seen:
            seen.add(key)
            out.append(Duplicate(list(key), reason))

    # One grouping pass each, then the groups' members in one query: a scan the size of the register, no more.
    same = (
        live.exclude(phone_hash="")
        .filter(birth_date__isnull=False)
        .values("name", "birth_date", "phone_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    _members(live, same, ("name", "birth_date", "phone_hash"), "name_birth_phone", add)
    kinds = (
        live.exclude(phone_hash="")
        .values("name", "phone_hash")
        .annotate(n=Count("doc_type", distinct=True))
        .filter(n__gt=1)
        .order_by()[:limit]
    )
    _members(live, kinds, ("name", "phone_hash"), "documents", add)
    # Old 15-digit numbers kept as another document: few, decrypted one by one and matched on their 18-digit form.
    olds = {}
    for p in live.filter(doc_type=DocType.OTHER).only("pk", "doc_cipher")[: limit * 10]:
        number = pii.decrypt(p.doc_cipher)
        if len(number) == 15 and number.isdigit():
            try:
                olds[pii.lookup_hash(clean_document(DocType.RESIDENT_ID, number))] = p.pk
            except InvalidDocument:
                continue
    for pk, doc_hash in live.filter(doc_type=DocType.RESIDENT_ID, doc_hash__in=list(olds)).values_list(
        "pk", "doc_hash"
    ):
        add([pk, olds[doc_hash]], "old_id")
    return out[:limit]


def duplicates_with_people(found: list[Duplicate]) -> list[tuple[Duplicate, list[Person]]]:
    """Each group found with its records (one query), for a page to show them."""
    people = Person.objects.select_related("jurisdiction").in_bulk({pk for d in found for pk in d.people})
    return [(d, [people[pk] for pk in d.people if pk in people]) for d in found]


def _members(live, groups, fields: tuple[str, ...], reason: str, add) -> None:
    """The records of each group, read by their phones' keyed hashes (indexed; every grouping includes the phone)."""
    keys = {tuple(g[f] for f in fields) for g in groups}
    if not keys:
        return
    members: dict[tuple, list[int]] = {}
    phones = sorted({key[fields.index("phone_hash")] for key in keys})
    for start in range(0, len(phones), 1000):
        rows = live.filter(phone_hash__in=phones[start : start + 1000]).values("pk", *fields).order_by("pk")
        for row in rows:
            key = tuple(row[f] for f in fields)
            if key in keys:
                members.setdefault(key, []).append(row["pk"])
    for key in sorted(keys, key=str):
        add(members.get(key, []), reason)


# --- merging ------------------------------------------------------------------------------------------------------


def _references() -> list[tuple[type[models.Model], models.Field]]:
    """Every foreign key (or one-to-one) to Person in every app, but the tombstone's own pointer."""
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Person and not (model is Person and f.name == "merged_into"):
                out.append((model, f))
    return out


def _unique_sets(model: type[models.Model], field: models.Field) -> list[tuple[tuple[str, ...], Q]]:
    """The other fields that, with `field`, must be unique, and the condition under which (a partial unique index:
    one open case per person): ((), Q()) for a field unique on its own."""
    if field.unique or field.primary_key:
        return [((), Q())]
    out = []
    for c in model._meta.constraints:
        fields = tuple(getattr(c, "fields", ()) or ())
        if isinstance(c, models.UniqueConstraint) and field.name in fields:
            out.append((tuple(f for f in fields if f != field.name), c.condition or Q()))
    for together in model._meta.unique_together:
        if field.name in together:
            out.append((tuple(f for f in together if f != field.name), Q()))
    return out


def _move(model, field, merged: Person, kept: Person) -> int:
    rows = model._base_manager.filter(**{field.name: merged})
    for others, condition in _unique_sets(model, field):
        theirs = model._base_manager.filter(condition, **{field.name: kept}, **{f: OuterRef(f) for f in others})
        colliding = rows.filter(condition).filter(Exists(theirs))
        if not colliding.exists():
            continue
        if getattr(model, "MERGE_DROPS_COLLISIONS", False):
            colliding.delete()
        else:
            raise FieldError(
                "into",
                _("Both records have a %(what)s that allows one per person; resolve it before merging.")
                % {"what": model._meta.verbose_name},
                code=errors.Code.CONFLICT,
            )
    if field.primary_key:  # a row keyed by the person itself: re-key it
        moved = 0
        for row in list(rows):
            row.delete()
            setattr(row, field.attname, kept.pk)
            row.save(force_insert=True)
            moved += 1
        return moved
    return rows.update(**{field.name: kept})


def _live(user, person_id: int, field: str) -> Person:
    scope = _merge_scope(user)
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not scope.covers(person.jpath):
        raise NotFound
    if person.merged_into_id is not None:
        raise FieldError(field, _("This record was merged into another already."), code=errors.Code.MERGED)
    return person


@transaction.atomic
def person_merge(*, actor, person_id: int, into: int, reason: str) -> Person:
    """Merge record `person_id` into record `into` (kept), moving every reference; returns the kept record."""
    # Lock both, in id order: two merges of the same pair the other way round wait instead of deadlocking. Reach
    # first: whoever may not see a record learns nothing else of it.
    first, second = sorted([(person_id, "person"), (into, "into")])
    locked = {first[0]: _live(actor, *first)}
    if person_id == into:
        raise FieldError("into", _("A record cannot be merged into itself."), code=Code.INVALID)
    locked[second[0]] = _live(actor, *second)
    merged, kept = locked[person_id], locked[into]
    reason = stated_reason(reason)
    moved: dict[str, int] = {}
    for model, field in _references():
        n = _move(model, field, merged, kept)
        if n:
            moved[model._meta.label_lower] = moved.get(model._meta.label_lower, 0) + n
    changes = {}
    for name in ("unit_id", "address"):  # what the kept record lacks, the merged one gives
        if not getattr(kept, name) and getattr(merged, name):
            changes[name] = getattr(merged, name)
    if not kept.household_id and merged.household_id and merged.household and merged.household.jpath == kept.jpath:
        changes["household_id"] = merged.household_id  # a household where the kept record lives, not elsewhere
    if not kept.phone_hash and merged.phone_hash:
        changes.update(phone_cipher=merged.phone_cipher, phone_hash=merged.phone_hash)
    if changes:
        Person.objects.filter(pk=kept.pk).update(**changes, updated_at=clock.now())
    # Not a resident any more: counted nowhere (registry.counts), expected in no round, in no household (a sealed
    # home's members are its residents).
    Person.objects.filter(pk=merged.pk).update(
        merged_into=kept, merged_at=clock.now(), updated_at=clock.now(), is_resident=False, household=None, unit=None
    )
    # Earlier duplicates merged into this one now point to the kept record: a look-up follows one step only.
    Person.objects.filter(merged_into=merged).update(merged_into=kept)
    if merged.is_resident:
        residents_add({merged.jpath: -1})  # one resident fewer where the duplicate was counted
    audit_record(
        actor=actor,
        action="person.merge",
        obj=kept,
        fields={"merged": merged.pk, "kept": kept.pk, "moved": moved},
        reason=reason,
    )
    audit_record(actor=actor, action="person.merged_away", obj=merged, fields={"into": kept.pk}, reason=reason)
    events.emit(PERSON_MERGED, {"kept": kept.pk, "merged": merged.pk})
    kept.refresh_from_db()
    return kept
