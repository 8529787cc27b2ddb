"""Reads of cases and contacts, scoped here: the one access path to each (404 outside the user's reach)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.registry.models import Place

from ..models import Case, CloseContact, Inpatient, Transfer

OPEN, RELEASED = "open", "released"


def cases_visible(
    *,
    user,
    classification: str = "",
    state: str = "",
    source_unknown: bool = False,
    within: str = "",
) -> QuerySet[Case]:
    """The cases of people in the user's reach (CASE_WORK), newest first; filtered by classification, open or
    released, source unknown, and under `within` (a street's or community's path) when given."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        raise Forbidden(Cap.CASE_WORK)
    qs = Case.objects.filter(scope.q("jpath")).select_related("person", "person__community", "source_case")
    if classification in Case.Classification.values:
        qs = qs.filter(classification=classification)
    if state == OPEN:
        qs = qs.filter(released_at__isnull=True)
    elif state == RELEASED:
        qs = qs.filter(released_at__isnull=False)
    if source_unknown:
        qs = qs.filter(source_case__isnull=True)
    if within:
        qs = qs.filter(jpath__startswith=within)
    return qs.order_by("-confirmed_at", "-pk")


def case_get(*, user, case_id: int, for_update: bool = False) -> Case:
    """The one access path to a case: in the user's CASE_WORK reach, else 404 (as for no case at all)."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        raise Forbidden(Cap.CASE_WORK)  # before any look-up: the refusal must not depend on who exists
    qs = Case.objects.filter(scope.q("jpath"), pk=case_id)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.select_related("person", "source_case__person", "workplace").first()
    if case is None:
        raise NotFound
    return case


def contact_get(*, user, contact_id: int, case_id: int | None = None, for_update: bool = False) -> CloseContact:
    """A contact the user works: their case or the contact themselves within the user's CASE_WORK reach (the
    officer tracing a case records contacts elsewhere in the district; the contact's own street sees them)."""
    scope = scope_for(user, Cap.CASE_WORK)
    if scope.empty:
        raise Forbidden(Cap.CASE_WORK)
    qs = CloseContact.objects.filter(scope.q("jpath") | scope.q("case__jpath"), pk=contact_id)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    contact = qs.select_related("person", "case", "followup").first()
    if contact is None:
        raise NotFound
    return contact


def case_contact(*, user, case_id: int, contact_id: int) -> CloseContact:
    """A contact named under its case's address: the case in reach (else 404); a contact that is not the case's
    is a wrong field (`not_found`), the case's contacts being listed on it anyway."""
    case_get(user=user, case_id=case_id)
    contact = CloseContact.objects.filter(pk=contact_id, case_id=case_id).first()
    if contact is None:
        raise FieldError("contact_id", _("No such contact of this case."), code=Code.NOT_FOUND)
    return contact


def isolated_at(case: Case) -> datetime:
    """Since when the case could expose nobody: picked up for isolation (a transfer not released before the
    case was confirmed, e.g. when they were taken in as a contact), else the confirmation."""
    picked = (
        Transfer.objects.filter(person_id=case.person_id, picked_up_at__isnull=False)
        .filter(Q(released_at__isnull=True) | Q(released_at__gte=case.confirmed_at))
        .order_by("picked_up_at")
        .values_list("picked_up_at", flat=True)
        .first()
    )
    return min(picked, case.confirmed_at) if picked else case.confirmed_at


@dataclass
class CasePlaces:
    household: Place | None
    compound: Place | None
    transfers: list[Transfer]
    inpatients: list[Inpatient]


def places_of(case: Case) -> CasePlaces:
    """Where the case lives (household and compound), and the isolation sites and hospitals they went to."""
    household = case.person.household if case.person.household_id else None
    compound = None
    node = household
    while node is not None:
        if node.kind == Place.Kind.COMPOUND:
            compound = node
            break
        node = node.parent
    transfers = list(
        Transfer.objects.filter(person_id=case.person_id).select_related("destination").order_by("-dispatched_at")
    )
    inpatients = list(
        Inpatient.objects.filter(person_id=case.person_id).select_related("unit").order_by("-admitted_at")
    )
    return CasePlaces(household, compound, transfers, inpatients)
