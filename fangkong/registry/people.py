"""A person's record kept true (`people.edit`, within reach): corrected, moved to another grid or household, marked
moved away or deceased (and back, when that was a mistake). The document number is not edited: a record with a
wrong number is a duplicate of the right one, and is merged (registry.merging).

A move needs the power over both places: the old (to let the person go) and the new (to take them in). Every write
keeps the residents counted per place in step (registry.counts) and is audited with masked values.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock, events, pii
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import InvalidDocument, clean_phone
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, scope_for

from .counts import residents_add
from .events import PERSON_MOVED
from .models import Jurisdiction, Person, Place
from .selectors import person_get


class PersonEditInput(FormInput):
    """What may be corrected or changed; a field left out stays as it is (`community`, `grid`, `household` are ids,
    0 clearing the grid or the household)."""

    name: str | None = None
    phone: str | None = None
    address: str | None = None
    community: int | None = None
    grid: int | None = None
    household: int | None = None


class PersonEndInput(FormInput):
    how: str  # moved_away | deceased
    on: date | None = None
    reason: str = ""


class PersonRestoreInput(FormInput):
    reason: str = ""


def person_editable(*, user, person: Person) -> bool:
    """Whether `user` may edit `person` (the page offers the edit link)."""
    return scope_for(user, Cap.PEOPLE_EDIT).covers(person.jpath)


def person_for_edit(*, user, person_id: int) -> Person:
    """A person `user` may edit; NotFound beyond sight, Forbidden without the power."""
    person = person_get(user=user, person_id=person_id)
    if not person_editable(user=user, person=person):
        raise Forbidden(Cap.PEOPLE_EDIT)
    return person


def households_for(*, user, person: Person) -> list[Place]:
    """The households where `person` may be placed: those of their own grid (or community), within the user's power
    to edit (a move to another grid comes first, then the household there)."""
    if not scope_for(user, Cap.PEOPLE_EDIT).covers(person.jpath):
        return []
    rows = Place.objects.filter(kind=Place.Kind.HOUSEHOLD, jpath__startswith=person.jpath)
    return list(rows.select_related("parent__parent").order_by("parent__parent__name", "parent__name", "name")[:3000])


def _locked(actor, person_id: int) -> Person:
    person = person_for_edit(user=actor, person_id=person_id)  # reach; a merged record answers as merged
    return Person.objects.select_for_update().get(pk=person.pk)


def _place(actor, jurisdiction_id: int, field: str, level: str) -> Jurisdiction:
    place = Jurisdiction.objects.filter(pk=jurisdiction_id, level=level, retired_on__isnull=True).first()
    if place is None:
        raise FieldError(field, _("No such jurisdiction."), code=Code.NOT_FOUND)
    if not scope_for(actor, Cap.PEOPLE_EDIT).covers(place.path):
        raise Forbidden(_("This jurisdiction is beyond your reach."))
    return place


@transaction.atomic
def person_update(*, actor, person_id: int, data: PersonEditInput) -> Person:
    person = _locked(actor, person_id)
    changes: dict = {}
    shown: dict = {}
    if data.name is not None:
        name = " ".join(data.name.split())
        if not name:
            raise FieldError("name", _("The name is required."), code=Code.REQUIRED)
        if len(name) > 64:
            raise FieldError("name", _("The name is longer than 64 characters."), code=Code.TOO_LONG)
        if name != person.name:
            changes["name"], shown["name"] = name, pii.mask_name(name)
    if data.phone is not None:
        try:
            phone = clean_phone(data.phone) if data.phone.strip() else ""
        except InvalidDocument as exc:
            raise FieldError("phone", str(exc), code=exc.code) from exc
        digest = pii.lookup_hash(phone) if phone else ""
        if digest != person.phone_hash:
            changes.update(phone_cipher=pii.encrypt(phone) if phone else None, phone_hash=digest)
            shown["phone"] = pii.mask_phone(phone)
    if data.address is not None and data.address.strip()[:200] != person.address:
        changes["address"], shown["address"] = data.address.strip()[:200], "…"
    community = person.community
    if data.community is not None and data.community != person.community_id:
        community = _place(actor, data.community, "community", Jurisdiction.Level.COMMUNITY)
    grid = person.jurisdiction if person.jurisdiction_id != person.community_id else None
    if data.grid is not None:
        grid = _place(actor, data.grid, "grid", Jurisdiction.Level.GRID) if data.grid else None
    elif community != person.community:
        grid = None  # a new community, no grid named: the person is at the community's level
    if grid is not None and data.grid and data.community is None and grid.parent_id != person.community_id:
        community = grid.parent  # a grid of another community named alone: its community is the person's
        if community is not None and not scope_for(actor, Cap.PEOPLE_EDIT).covers(community.path):
            raise Forbidden(_("This jurisdiction is beyond your reach."))
    if grid is not None and community is not None and grid.parent_id != community.pk:
        raise FieldError("grid", _("The grid does not belong to the community."), code=Code.UNKNOWN_CHOICE)
    finest = grid or community
    if finest is not None and finest.pk != person.jurisdiction_id:
        changes.update(community_id=community.pk if community else None, jurisdiction_id=finest.pk, jpath=finest.path)
        shown["jurisdiction"] = finest.code
    household_id = person.household_id
    if data.household is not None:
        household_id = data.household or None
    if household_id is not None and (household_id != person.household_id or "jpath" in changes):
        household = Place.objects.filter(pk=household_id, kind=Place.Kind.HOUSEHOLD).first()
        path = changes.get("jpath", person.jpath)
        if household is None:
            raise FieldError("household", _("No such household."), code=Code.NOT_FOUND)
        if not household.jpath.startswith(path) and not path.startswith(household.jpath):
            raise FieldError("household", _("This household is in another grid."), code=Code.INVALID)
    if household_id != person.household_id:
        changes["household_id"], shown["household"] = household_id, household_id
    if not changes:
        return person
    if "jpath" in changes and person.is_resident:
        residents_add({person.jpath: -1, changes["jpath"]: 1})
    Person.objects.filter(pk=person.pk).update(**changes, updated_at=clock.now())
    audit_record(actor=actor, action="person.update", obj=person, fields=shown)
    if "jpath" in changes or "household_id" in changes:  # where they live decides zones: their status is stale
        events.emit(PERSON_MOVED, {"person_id": person.pk})
    person.refresh_from_db()
    return person


@transaction.atomic
def person_end(*, actor, person_id: int, how: str, on: date | None = None, reason: str = "") -> Person:
    """Moved away or deceased from `on` (today): no longer a resident (counted nowhere, expected in no round);
    the record and its history stay."""
    person = _locked(actor, person_id)
    if how not in Person.Ended.values:
        raise FieldError("how", _("Moved away or deceased."), code=Code.UNKNOWN_CHOICE)
    on = on or clock.localdate()
    if on > clock.localdate():
        raise FieldError("on", _("This date has not come yet."), code=Code.IN_FUTURE)
    if person.ended:
        raise FieldError("how", _("This person has left the register already."), code=Code.WRONG_STATE)
    if not person.is_resident:
        raise FieldError("how", _("Only a registered resident leaves the register."), code=Code.WRONG_STATE)
    reason = stated_reason(reason)
    residents_add({person.jpath: -1})
    Person.objects.filter(pk=person.pk).update(ended=how, ended_on=on, is_resident=False, updated_at=clock.now())
    audit_record(actor=actor, action="person.end", obj=person, fields={"how": how, "on": on.isoformat()}, reason=reason)
    person.refresh_from_db()
    return person


@transaction.atomic
def person_restore(*, actor, person_id: int, reason: str) -> Person:
    """Undo a mistaken "moved away" or "deceased": a resident again where they were."""
    person = _locked(actor, person_id)
    if not person.ended:
        raise FieldError("how", _("This person is in the register."), code=Code.WRONG_STATE)
    reason = stated_reason(reason)
    residents_add({person.jpath: 1})
    Person.objects.filter(pk=person.pk).update(ended="", ended_on=None, is_resident=True, updated_at=clock.now())
    audit_record(actor=actor, action="person.restore", obj=person, fields={"was": person.ended}, reason=reason)
    person.refresh_from_db()
    return person
