"""A case's record: confirmed (by testing's event or by hand), its classification, onset, outcome and workplace
changed with the audit, its source case linked (never into a cycle), released."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import clock, pii
from fangkong.core.actors import is_system, require_actor
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.dates import Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.registry.models import Person, Unit, jurisdictions_by_id

from .. import errors
from ..events import CASE_CONFIRMED_ALERT
from ..models import Case
from ..status import status_refresh
from ..zones.drafting import zone_draft_for_case, zone_draft_for_workplace
from .reading import case_get


class CaseRecordInput(FormInput):
    """A case recorded by hand: who, where found (and its reference: a report's number, a tube), the
    classification, the onset, the source case and how sure it is, the workplace."""

    person_id: int
    source: str = Case.Source.MANUAL
    reference: str = ""
    classification: str = Case.Classification.CONFIRMED
    onset_date: Day | None = None
    source_case_id: int | None = None
    source_certainty: str = Case.Certainty.UNKNOWN
    workplace_id: int | None = None


class CaseUpdateInput(FormInput):
    """What may change on a case (each change audited with before and after); a field not given stays."""

    classification: str | None = None
    onset_date: Day | None = None
    outcome: str | None = None
    workplace_id: int | None = None
    note: str = ""


class CaseSourceInput(FormInput):
    """The source case (none: unknown) and how sure the link is."""

    source_case_id: int | None = None
    source_certainty: str = Case.Certainty.UNKNOWN


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
    return _create(actor, person, source=source, reference=reference)


def _create(actor, person: Person, *, source: str, reference: str, **fields) -> Case:
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                source=source[:20],
                reference=reference[:60],
                jpath=person.jpath,
                workplace_id=fields.pop("workplace_id", None) or person.unit_id,
                **fields,
            )
    except IntegrityError:  # confirmed concurrently
        return Case.objects.get(person=person, released_at__isnull=True)
    status_refresh([person.pk])
    community = jurisdictions_by_id().get(person.community_id or 0)
    raise_alert(
        kind=CASE_CONFIRMED_ALERT,
        subject=f"{community.name if community else '—'} · {reference or Case.Source(case.source).label}",
        jpath=person.jpath,
        link=reverse("containment:person", args=[person.pk]),
        ref=f"containment.case:{case.pk}",
    )
    audit_record(
        actor=actor,
        action="case.confirm",
        obj=case,
        object_repr=pii.mask_name(person.name),
        fields={"source": source, "reference": reference, **{k: str(v) for k, v in fields.items() if v}},
    )
    # Every confirmation passes here (testing's positive retest, a clinic, by hand): the home compound's zone (and
    # the workplace's) is drafted in the same transaction, pending a human officer (zones.drafting).
    zone_draft_for_case(case=case)
    return case


def known_choice(field: str, value: str, choices) -> str:
    """`value` if it is one of `choices` (a TextChoices), else the field's error naming them (cases and contacts)."""
    if value not in choices.values:
        raise FieldError(
            field,
            _("Choose one of: %(values)s.") % {"values": ", ".join(str(label) for label in choices.labels)},
            code=Code.UNKNOWN_CHOICE,
        )
    return value


def _onset(value: date | None) -> date | None:
    if value is not None and value > clock.localdate():
        raise FieldError("onset_date", _("The onset of symptoms cannot be in the future."), code=Code.IN_FUTURE)
    return value


def _workplace(workplace_id: int | None) -> int | None:
    if workplace_id and not Unit.objects.filter(pk=workplace_id).exists():
        raise FieldError("workplace_id", _("Unknown workplace."), code=Code.NOT_FOUND)
    return workplace_id or None


@transaction.atomic
def case_record(
    *,
    actor,
    person_id: int,
    source: str = Case.Source.MANUAL,
    reference: str = "",
    classification: str = Case.Classification.CONFIRMED,
    onset_date: date | None = None,
    source_case_id: int | None = None,
    source_certainty: str = Case.Certainty.UNKNOWN,
    workplace_id: int | None = None,
) -> Case:
    """A case recorded by hand with where it was found and its source. Everything is checked before anything is
    written; a person with a case still open is refused (`duplicate`), not given a second one."""
    scope = scope_for(actor, Cap.CASE_WORK)
    if scope.empty:
        raise Forbidden(Cap.CASE_WORK)
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not scope.covers(person.jpath):
        raise NotFound
    known_choice("source", source, Case.Source)
    known_choice("classification", classification, Case.Classification)
    _onset(onset_date)
    workplace_id = _workplace(workplace_id)
    certainty = _certainty(source_case_id, source_certainty)
    source_case = _source_case(actor, source_case_id) if source_case_id else None
    if source_case is not None and source_case.person_id == person.pk:
        raise FieldError("source_case_id", _("A case is not its own source."), code=errors.Code.CYCLE)
    if Case.objects.filter(person=person, released_at__isnull=True).exists():
        raise FieldError("person_id", _("This person already has an open case."), code=Code.DUPLICATE)
    return _create(
        actor,
        person,
        source=source,
        reference=(reference or "").strip(),
        classification=classification,
        onset_date=onset_date,
        source_case=source_case,
        source_certainty=certainty,
        workplace_id=workplace_id,
    )


@transaction.atomic
def case_update(
    *,
    actor,
    case_id: int,
    classification: str | None = None,
    onset_date: date | None = None,
    outcome: str | None = None,
    workplace_id: int | None = None,
    note: str = "",
) -> Case:
    """Reclassify (an asymptomatic infection that develops symptoms is a confirmed case), correct the onset, record
    the outcome or the workplace: each change in the audit with its value before and after."""
    case = case_get(user=actor, case_id=case_id, for_update=True)
    wanted: dict[str, object] = {}
    if classification:
        wanted["classification"] = known_choice("classification", classification, Case.Classification)
    if onset_date is not None:
        wanted["onset_date"] = _onset(onset_date)
    if outcome:
        wanted["outcome"] = known_choice("outcome", outcome, Case.Outcome)
    if workplace_id is not None:
        wanted["workplace_id"] = _workplace(workplace_id)
    changed = {k: (getattr(case, k), v) for k, v in wanted.items() if getattr(case, k) != v}
    if not changed:
        return case
    for key, (_before, after) in changed.items():
        setattr(case, key, after)
    case.save(update_fields=[k for k in changed])
    if "workplace_id" in changed:  # a workplace learnt later (tracing) drafts its premises' zone then
        zone_draft_for_workplace(case=case)
    audit_record(
        actor=actor,
        action="case.update",
        obj=case,
        object_repr=pii.mask_name(case.person.name),
        fields={k: {"before": _shown(b), "after": _shown(a)} for k, (b, a) in changed.items()},
        reason=(note or "").strip()[:300],
    )
    return case


def _shown(value) -> str | int | None:
    return value.isoformat() if isinstance(value, date) else value


def _certainty(source_case_id: int | None, certainty: str) -> str:
    known_choice("source_certainty", certainty, Case.Certainty)
    if source_case_id and certainty == Case.Certainty.UNKNOWN:
        raise FieldError(
            "source_certainty", _("Say whether the source is known or suspected."), code=Code.UNKNOWN_CHOICE
        )
    if not source_case_id and certainty != Case.Certainty.UNKNOWN:
        raise FieldError("source_case_id", _("Name the source case, or mark the source unknown."), code=Code.REQUIRED)
    return certainty


def _source_case(actor, source_case_id: int) -> Case:
    """A source must be a case the actor works (one outside their reach reads as no case: ids tell nothing)."""
    source = Case.objects.filter(scope_for(actor, Cap.CASE_WORK).q("jpath"), pk=source_case_id).first()
    if source is None:
        raise FieldError("source_case_id", _("No such case (or outside your jurisdiction)."), code=Code.NOT_FOUND)
    return source


def _lock_chains() -> None:
    """Linking sources one at a time: two links made at once could each pass the cycle check and close a cycle
    together. On PostgreSQL a transaction-wide advisory lock; SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["fangkong.case_source"])


MAX_GENERATIONS = 10_000  # a guard: a chain is never this long


@transaction.atomic
def case_source_set(*, actor, case_id: int, source_case_id: int | None, source_certainty: str) -> Case:
    """Link a case to the case it caught it from (known or suspected), or mark the source unknown. A case cannot
    be its own ancestor (`cycle`); the source must be a case (`not_found`)."""
    _lock_chains()
    case = case_get(user=actor, case_id=case_id, for_update=True)
    certainty = _certainty(source_case_id, source_certainty)
    source = _source_case(actor, source_case_id) if source_case_id else None
    if source is not None:
        ancestor: int | None = source.pk
        seen = 0
        while ancestor is not None and seen < MAX_GENERATIONS:
            if ancestor == case.pk:
                raise FieldError(
                    "source_case_id",
                    _("This source would make the case its own ancestor."),
                    code=errors.Code.CYCLE,
                )
            ancestor = Case.objects.filter(pk=ancestor).values_list("source_case_id", flat=True).first()
            seen += 1
    before = (case.source_case_id, case.source_certainty)
    case.source_case, case.source_certainty = source, certainty
    if before == (case.source_case_id, case.source_certainty):
        return case
    case.save(update_fields=["source_case", "source_certainty"])
    audit_record(
        actor=actor,
        action="case.source",
        obj=case,
        object_repr=pii.mask_name(case.person.name),
        fields={
            "source_case": {"before": before[0], "after": case.source_case_id},
            "certainty": {"before": before[1], "after": certainty},
        },
    )
    return case


@transaction.atomic
def case_release(*, actor, case_id: int, note: str) -> Case:
    """Discharged and out of isolation: the case no longer turns the person red."""
    case = case_get(user=actor, case_id=case_id, for_update=True)
    if case.released_at is not None:
        raise FieldError("state", _("This case is released already."), code=Code.WRONG_STATE)
    if not (note or "").strip():
        raise FieldError("note", _("Give the basis of the release (discharge, end of isolation)."), code=Code.REQUIRED)
    case.released_at, case.released_by, case.release_note = clock.now(), actor, note.strip()[:300]
    case.save(update_fields=["released_at", "released_by", "release_note"])
    status_refresh([case.person_id])
    audit_record(actor=actor, action="case.release", obj=case, reason=case.release_note)
    return case
