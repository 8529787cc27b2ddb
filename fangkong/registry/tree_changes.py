"""Merging, splitting and retiring jurisdictions (within one's reach, `registry.admin`). Nothing referenced is ever
deleted: a merged or emptied jurisdiction is retired from a date and stays, so that history naming it still reads.

- A merge moves the children with their records, folds the merged jurisdiction's own records into the other's
  (counts kept per place add up: `JPATH_SUM`), and moves every reference to it (people, units, roles …).
- A split gives a new grid the chosen compounds, the people living there and what is recorded about them.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.scoping import Forbidden

from .counts import residents_add
from .models import Jurisdiction, Person, Place, RoleAssignment, jurisdictions_by_id
from .reorganising import (
    L,
    admin_scope,
    community_models,
    jpath_models,
    jurisdiction_add,
    jurisdiction_admin_get,
    move_with_records,
)


def _unique_others(model, field_name: str) -> list[tuple[str, ...]]:
    """The fields that, with `field_name`, must be unique together (unconditional constraints)."""
    field = model._meta.get_field(field_name)
    if field.unique:
        return [()]
    return [
        tuple(f for f in c.fields if f != field_name)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and field_name in c.fields and c.condition is None
    ] + [tuple(f for f in t if f != field_name) for t in model._meta.unique_together if field_name in t]


def _fold_paths(old: str, new: str) -> None:
    """The records at exactly `old` now at `new`. A count kept per place (a model naming its count field in
    `JPATH_SUM`: the hall's daily counts, the residents per grid) is added to the row already at `new` instead:
    three statements per such table, whatever the number of days it holds."""
    for model in jpath_models():
        summed = getattr(model, "JPATH_SUM", "")
        for others in _unique_others(model, "jpath") if summed else []:
            table = connection.ops.quote_name(model._meta.db_table)
            n = connection.ops.quote_name(model._meta.get_field(summed).column)
            jpath = connection.ops.quote_name(model._meta.get_field("jpath").column)
            same = " AND ".join(
                f"t.{c} = s.{c}" for c in (connection.ops.quote_name(model._meta.get_field(f).column) for f in others)
            )
            match = f" AND {same}" if same else ""
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} AS t SET {n} = t.{n} + s.{n} FROM {table} AS s"
                    f" WHERE t.{jpath} = %s AND s.{jpath} = %s{match}",
                    [new, old],
                )
                cursor.execute(
                    f"DELETE FROM {table} AS s WHERE s.{jpath} = %s AND EXISTS"
                    f" (SELECT 1 FROM {table} AS t WHERE t.{jpath} = %s{match})",
                    [old, new],
                )
        model._base_manager.filter(jpath=old).update(jpath=new)


def _repoint(source: Jurisdiction, target: Jurisdiction) -> int:
    """Every reference to `source` (a community's people, units, roles, checkpoints …) now to `target`; a row that
    would break a one-per-place rule (a duty shift at the same hour) stays with the retired `source`."""
    moved = 0
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not (f.is_relation and f.related_model is Jurisdiction):
                continue
            if model is Jurisdiction and f.name == "parent":
                continue
            rows = model._base_manager.filter(**{f.name: source})
            for others in _unique_others(model, f.name):
                if others:
                    twins = model._base_manager.filter(**{f.name: target}, **{o: OuterRef(o) for o in others})
                    rows = rows.exclude(Exists(twins))
            moved += rows.update(**{f.name: target})
    return moved


def _one_grant_each(place: Jurisdiction) -> None:
    """One role per user over `place`: someone who held it over both merged places keeps the grant ending last."""
    grants = RoleAssignment.objects.filter(jurisdiction=place).order_by("user_id", "role", "pk")
    seen: dict[tuple[int, str], RoleAssignment] = {}
    for grant in grants:
        key = (grant.user_id, grant.role)
        first = seen.setdefault(key, grant)
        if first.pk == grant.pk:
            continue
        if first.valid_until is not None and (grant.valid_until is None or grant.valid_until > first.valid_until):
            RoleAssignment.objects.filter(pk=first.pk).update(valid_until=grant.valid_until)
            first.valid_until = grant.valid_until
        grant.delete()


class JurisdictionMergeInput(FormInput):
    """The jurisdiction of the same level that takes the merged one in."""

    into: int


class JurisdictionSplitInput(FormInput):
    """A grid split: the new grid's code and name, and the compounds that go to it."""

    code: str
    name: str
    compounds: list[int]


@transaction.atomic
def jurisdiction_merge(*, actor, jurisdiction_id: int, into_id: int, on: date | None = None) -> Jurisdiction:
    """Merge a jurisdiction into another of its level (two communities into one): its children move under the
    other with their records, its own records and every reference to it go to the other, and it is retired from
    `on` (today). It stays, retired, so that history naming it still reads."""
    scope = admin_scope(actor)
    source = jurisdiction_admin_get(user=actor, jurisdiction_id=jurisdiction_id, for_update=True)
    target = jurisdiction_admin_get(user=actor, jurisdiction_id=into_id, for_update=True)
    if source.path in scope.paths or source.parent_id is None:
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    if source.pk == target.pk:
        raise FieldError("into", _("A jurisdiction cannot be merged into itself."), code=Code.INVALID)
    if source.level != target.level:
        raise FieldError("into", _("Merge into a jurisdiction of the same level."), code=Code.INVALID)
    if source.retired_on is not None or target.retired_on is not None:
        raise FieldError("into", _("This jurisdiction is retired."), code=Code.WRONG_STATE)
    children = list(Jurisdiction.objects.filter(parent=source).order_by("path"))
    for child in children:
        move_with_records(child, target)
    _fold_paths(source.path, target.path)
    if source.level == L.GRID and source.parent_id != target.parent_id:
        # A grid's records name its community: those of the merged grid now name the other's.
        for model in community_models():
            model._base_manager.filter(jpath__startswith=target.path).exclude(community=target.parent_id).update(
                community=target.parent_id
            )
    references = _repoint(source, target)
    _one_grant_each(target)
    source.retired_on = on or clock.localdate()
    source.save(update_fields=["retired_on"])
    jurisdictions_by_id.forget()
    audit_record(
        actor=actor,
        action="jurisdiction.merge",
        obj=source,
        jpath=target.path,
        fields={"into": target.code, "children": [c.code for c in children], "references": references},
    )
    return target


def _person_models() -> list[tuple]:
    """(model, its foreign key to Person) for every model with a `jpath` that records something about a person."""
    out = []
    for model in jpath_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Person:
                out.append((model, f))
    return out


@transaction.atomic
def jurisdiction_split(*, actor, jurisdiction_id: int, code: str, name: str, compound_ids: list[int]) -> Jurisdiction:
    """Split a grid: a new grid beside it takes the chosen compounds with their buildings and households, the people
    living there, and what is recorded about those people in the old grid (their cases, statuses, samples …).
    Counts per day stay with the old grid: they were counted there."""
    grid = jurisdiction_admin_get(user=actor, jurisdiction_id=jurisdiction_id, for_update=True)
    if grid.level != L.GRID:
        raise FieldError("jurisdiction", _("Only a grid is split."), code=Code.INVALID)
    if grid.path in admin_scope(actor).paths:
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    compounds = list(Place.objects.filter(pk__in=compound_ids, kind=Place.Kind.COMPOUND, jurisdiction=grid))
    if not compounds or len(compounds) != len(set(compound_ids)):
        raise FieldError("compounds", _("Choose compounds of this grid."), code=Code.REQUIRED)
    assert grid.parent_id is not None  # a grid has its community
    new = jurisdiction_add(actor=actor, parent_id=grid.parent_id, code=code, name=name, kind="grid")
    ids = {c.pk for c in compounds}
    layer = set(ids)
    while layer:  # the compounds' buildings and households, level by level
        layer = set(Place.objects.filter(parent_id__in=layer).values_list("pk", flat=True)) - ids
        ids |= layer
    Place.objects.filter(pk__in=ids).update(jurisdiction=new, jpath=new.path)
    people = Person.objects.filter(household_id__in=ids, jurisdiction=grid)
    moving = list(people.values_list("pk", flat=True))
    residents = people.filter(is_resident=True).count()
    for model, field in _person_models():
        if model is Person:
            continue
        model._base_manager.filter(**{f"{field.attname}__in": moving}, jpath=grid.path).update(jpath=new.path)
    Person.objects.filter(pk__in=moving).update(jurisdiction=new, jpath=new.path)
    residents_add({grid.path: -residents, new.path: residents})
    audit_record(
        actor=actor,
        action="jurisdiction.split",
        obj=grid,
        jpath=grid.path,
        fields={"into": new.code, "compounds": sorted(c.pk for c in compounds), "people": len(moving)},
    )
    return new


@transaction.atomic
def jurisdiction_retire(*, actor, jurisdiction_id: int, on: date | None = None) -> Jurisdiction:
    """Retire an emptied jurisdiction from `on` (today): nothing is under it any more (merge it into another
    first, which moves what is). It keeps its code and stays in the history."""
    scope = admin_scope(actor)
    node = jurisdiction_admin_get(user=actor, jurisdiction_id=jurisdiction_id, for_update=True)
    if node.path in scope.paths or node.parent_id is None:
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    if node.retired_on is not None:
        return node
    live_children = Jurisdiction.objects.filter(parent=node, retired_on__isnull=True).exists()
    people = Person.objects.filter(jpath__startswith=node.path, merged_into__isnull=True).exists()
    places = Place.objects.filter(jpath__startswith=node.path).exists()
    if live_children or people or places:
        raise FieldError(
            "jurisdiction",
            _("People, places or jurisdictions are still under it: merge it into another first."),
            code=Code.WRONG_STATE,
        )
    node.retired_on = on or clock.localdate()
    node.save(update_fields=["retired_on"])
    jurisdictions_by_id.forget()
    audit_record(actor=actor, action="jurisdiction.retire", obj=node, fields={"on": node.retired_on.isoformat()})
    return node
