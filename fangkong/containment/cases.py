"""Confirmed cases and their close contacts."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.actors import is_system, require_actor
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.registry.models import Person, jurisdictions_by_id

from . import errors
from .events import CASE_CONFIRMED_ALERT
from .models import Case, CloseContact
from .status import status_refresh


@transaction.atomic
def case_confirm(*, actor: object, person_id: int, source: str, reference: str = "") -> Case:
    """A confirmed positive (from testing's event, or recorded by hand): red at once. One open case a person.
    `actor` is the user recording it (capability and scope checked) or `System` when testing's positive retest
    confirms it (the fact is established; nothing to check)."""
    require_actor(actor)
    trusted = is_system(actor)
    if not trusted and scope_for(actor, Cap.CASE_WORK).empty:
        raise Forbidden(Cap.CASE_WORK)
    person = Person.objects.filter(pk=person_id).first()
    if person is None or (not trusted and not scope_for(actor, Cap.CASE_WORK).covers(person.jpath)):
        raise NotFound
    existing = Case.objects.filter(person=person, released_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = Case.objects.create(person=person, source=source[:20], reference=reference[:60], jpath=person.jpath)
    except IntegrityError:  # confirmed concurrently
        return Case.objects.get(person=person, released_at__isnull=True)
    status_refresh([person.pk])
    community = jurisdictions_by_id().get(person.community_id or 0)
    raise_alert(
        kind=CASE_CONFIRMED_ALERT,
        subject=f"{community.name if community else '—'} · {reference or source}",
        jpath=person.jpath,
        link=reverse("containment:person", args=[person.pk]),
        ref=f"containment.case:{case.pk}",
    )
    audit_record(
        actor=actor,
        action="case.confirm",
        obj=case,
        object_repr=f"{person.name[:1]}*",
        fields={"source": source, "reference": reference},
    )
    return case


@transaction.atomic
def case_release(*, actor, case_id: int, note: str) -> Case:
    """Discharged and out of isolation: the case no longer turns the person red."""
    if scope_for(actor, Cap.CASE_WORK).empty:
        raise Forbidden(Cap.CASE_WORK)
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not scope_for(actor, Cap.CASE_WORK).covers(case.jpath):
        raise NotFound
    if case.released_at is not None:
        raise FieldError("state", _("This case is released already."), code=Code.WRONG_STATE)
    if not (note or "").strip():
        raise FieldError("note", _("Give the basis of the release (discharge, end of isolation)."), code=Code.REQUIRED)
    case.released_at, case.released_by, case.release_note = clock.now(), actor, note.strip()[:300]
    case.save(update_fields=["released_at", "released_by", "release_note"])
    status_refresh([case.person_id])
    audit_record(actor=actor, action="case.release", obj=case, reason=case.release_note)
    return case


@transaction.atomic
def contact_add(*, actor, case_id: int, person_id: int, last_contact_at: datetime, note: str = "") -> CloseContact:
    """A close contact of a case. The contact must be within the actor's view like every person named: one
    elsewhere in the district is recorded by whoever holds both (the street office above, or HQ) — otherwise
    trying ids would tell which exist."""
    if scope_for(actor, Cap.CASE_WORK).empty:
        raise Forbidden(Cap.CASE_WORK)
    case = Case.objects.filter(pk=case_id).first()
    if case is None or not scope_for(actor, Cap.CASE_WORK).covers(case.jpath):
        raise NotFound
    person = Person.objects.filter(scope_for(actor, Cap.STATUS_VIEW).q(), pk=person_id).first()
    if person is None:
        raise FieldError("person_id", _("Unknown person, or outside your jurisdiction."), code=Code.NOT_FOUND)
    if person.pk == case.person_id:
        raise FieldError("person_id", _("A case is not their own close contact."), code=errors.Code.OWN_CASE)
    if last_contact_at > clock.now():
        raise FieldError("last_contact_at", _("The last contact cannot be in the future."), code=Code.IN_FUTURE)
    contact, created = CloseContact.objects.update_or_create(
        case=case,
        person=person,
        defaults={
            "last_contact_at": last_contact_at,
            "note": (note or "")[:200],
            "recorded_by": actor,
            "jpath": person.jpath,
        },
    )
    audit_record(
        actor=actor,
        action="case.contact",
        obj=contact,
        jpath=case.jpath,
        fields={"case": case.pk, "person": person.pk, "created": created},
    )
    return contact
