"""Co-presence (时空伴随): who was at the same venue or checkpoint as a case, at about the same time, in the days
before their onset — from venue scans and checkpoint passages.

A list of candidates, never a status change by itself: an epidemiologist reviews each one and confirms them as a
close contact (contacts' follow-up then runs as for any contact) or dismisses them with a reason. The query reads
people's whereabouts, so it needs a stated purpose and every run is audited with it, like the other tracing
questions (venues.py).

How it is asked, so that it stays fast over tens of millions of scans: the case's own scans and passages in the
window first (one index range each: venuescan_person_at, the passages' person foreign key), then everyone else's
at those places within `minutes` of the case's times — one OR of small ranges along venuescan_venue_at and
passage_checkpoint_at, never a scan of the window's rows. A scan is a moment at the door, not a stay: two scans
`minutes` apart or less count as together, with an overlap of `minutes` less the gap (a stay of `minutes`
assumed for each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fangkong.core import clock, pii
from fangkong.core.audit import audit_record, stated_reason
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.screening.models import Passage

from . import errors
from .cases import contact_add
from .models import Case, CloseContact, CopresenceReview, VenueScan

DAYS_BEFORE = 4  # the look-back before onset (or before the positive sample, for an asymptomatic case)
MAX_DAYS_BEFORE = 14
MINUTES = 30  # two scans this close are together
MIN_MINUTES, MAX_MINUTES = 5, 240
CASE_PLACES = 500  # the case's own scans and passages read at most (a person scans a few dozen times a week)
FOUND = 5000  # rows of others read at most; past it the window is too wide to review anyway

VENUE, CHECKPOINT = "venue", "checkpoint"
PLACE_KINDS = {VENUE: pgettext_lazy("place kind", "Venue"), CHECKPOINT: gettext_lazy("Checkpoint")}


@dataclass(frozen=True)
class Candidate:
    person_id: int
    person: str  # masked: the list is for review; the contact's page names them once confirmed
    place_kind: str  # VENUE | CHECKPOINT
    place_id: int
    place: str
    at: datetime  # the candidate's scan or passage
    case_at: datetime  # the case's, at the same place
    overlap_minutes: int
    contact: bool  # already a contact of this case
    review: CopresenceReview | None = None  # dismissed (or confirmed) before, with the reason and who

    @property
    def place_kind_label(self) -> str:
        return str(PLACE_KINDS[self.place_kind])


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    minutes: int


def copresence_window(case: Case, *, days_before: int = DAYS_BEFORE, minutes: int = MINUTES) -> Window:
    """From `days_before` days before the onset (or, without one, before the confirmation) until the case was
    confirmed: where they went while they could infect others unseen."""
    if not 1 <= days_before <= MAX_DAYS_BEFORE:
        raise FieldError(
            "days_before",
            _("Look back 1 to %(n)d days before the onset.") % {"n": MAX_DAYS_BEFORE},
            code=Code.OUT_OF_RANGE,
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise FieldError(
            "minutes",
            _("Count people as together within %(a)d to %(b)d minutes.") % {"a": MIN_MINUTES, "b": MAX_MINUTES},
            code=Code.OUT_OF_RANGE,
        )
    anchor = clock.start_of_day(case.onset_date) if case.onset_date else case.confirmed_at
    return Window(since=anchor - timedelta(days=days_before), until=case.confirmed_at, minutes=minutes)


def can_trace(user, case: Case) -> bool:
    """Whether `user` may run co-presence for this case (the case page offers it then)."""
    return scope_for(user, Cap.TRACE).covers(case.jpath)


def case_for_tracer(actor, case_id: int) -> Case:
    """The case, for a tracer whose reach holds it (404 otherwise, 403 without the capability)."""
    scope = scope_for(actor, Cap.TRACE)
    if scope.empty:
        raise Forbidden(Cap.TRACE)
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None or not scope.covers(case.jpath):
        raise NotFound
    return case


def copresence_candidates(
    *, actor, case_id: int, purpose: str, days_before: int = DAYS_BEFORE, minutes: int = MINUTES
) -> tuple[Case, Window, list[Candidate]]:
    """The people who were where the case was, at about the same time, in the window; the query audited with its
    purpose (refused without one). Newest overlap first: the longest together at the top."""
    case = case_for_tracer(actor, case_id)
    purpose = stated_reason(
        purpose, field="purpose", message=_("State the purpose of this query (it reads people's whereabouts).")
    )
    window = copresence_window(case, days_before=days_before, minutes=minutes)
    found = _candidates(case, window)
    audit_record(
        actor=actor,
        action="trace.copresence",
        obj=case,
        object_repr=pii.mask_name(case.person.name),
        fields={
            "since": window.since.isoformat(),
            "until": window.until.isoformat(),
            "minutes": window.minutes,
            "candidates": len(found),
        },
        reason=purpose,
    )
    return case, window, found


def _candidates(case: Case, window: Window, *, person_id: int | None = None) -> list[Candidate]:
    gap = timedelta(minutes=window.minutes)
    own_scans = list(
        VenueScan.objects.filter(person_id=case.person_id, at__gte=window.since, at__lte=window.until)
        .order_by("at")
        .values_list("venue_id", "at")[:CASE_PLACES]
    )
    own_passages = list(
        Passage.objects.filter(person_id=case.person_id, at__gte=window.since, at__lte=window.until)
        .order_by("at")
        .values_list("checkpoint_id", "at")[:CASE_PLACES]
    )
    best: dict[tuple[int, str, int], Candidate] = {}
    contacts = set(CloseContact.objects.filter(case=case).values_list("person_id", flat=True))
    reviews = {r.person_id: r for r in CopresenceReview.objects.filter(case=case).select_related("decided_by")}

    def keep(kind: str, rows, visits: list[tuple[int, datetime]]) -> None:
        times: dict[int, list[datetime]] = {}
        for place_id, at in visits:
            times.setdefault(place_id, []).append(at)
        for other, place_id, place, name, at in rows:
            if other == case.person_id:
                continue
            near = min(times[place_id], key=lambda t: abs(t - at))
            overlap = window.minutes - int(abs(near - at).total_seconds() // 60)
            if overlap <= 0:
                continue
            key = (other, kind, place_id)
            if key not in best or best[key].overlap_minutes < overlap:
                best[key] = Candidate(
                    person_id=other,
                    person=pii.mask_name(name),
                    place_kind=kind,
                    place_id=place_id,
                    place=place,
                    at=at,
                    case_at=near,
                    overlap_minutes=overlap,
                    contact=other in contacts,
                    review=reviews.get(other),
                )

    # Each kind of place: (what, the rows, the place's column, its name through the foreign key, the case's visits).
    for kind, model, place, visits in (
        (VENUE, VenueScan, "venue", own_scans),
        (CHECKPOINT, Passage, "checkpoint", own_passages),
    ):
        if not visits:
            continue
        ranges = Q()
        for place_id, at in visits:
            ranges |= Q(**{f"{place}_id": place_id, "at__gte": at - gap, "at__lte": at + gap})
        rows = model.objects.filter(ranges)
        if person_id is not None:
            rows = rows.filter(person_id=person_id)
        keep(kind, rows.values_list("person_id", f"{place}_id", f"{place}__name", "person__name", "at")[:FOUND], visits)
    return sorted(best.values(), key=lambda c: (-c.overlap_minutes, c.at, c.person_id))


def _the_candidate(actor, case_id: int, person_id: int, days_before: int, minutes: int) -> tuple[Case, Candidate]:
    """The case (locked: one review at a time) and this person as its candidate in the window the reviewer
    looked at — refused when they were not together (a review is of a candidate, not of anyone) or were reviewed
    already."""
    case = case_for_tracer(actor, case_id)
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    window = copresence_window(case, days_before=days_before, minutes=minutes)
    found = _candidates(case, window, person_id=person_id)
    if not found:
        raise FieldError(
            "person_id", _("This person was not at the same place and time as the case."), code=errors.Code.NOT_TOGETHER
        )
    if found[0].review is not None or found[0].contact:
        raise FieldError("person_id", _("This candidate was reviewed already."), code=Code.DUPLICATE)
    return case, found[0]


class CopresenceConfirmInput(FormInput):
    """A candidate to confirm, in the window they were found in (the page's query, the API's parameters)."""

    person_id: int
    kind: str = CloseContact.Kind.CLOSE
    days_before: int = DAYS_BEFORE
    minutes: int = MINUTES


class CopresenceDismissInput(FormInput):
    person_id: int
    reason: str = ""
    days_before: int = DAYS_BEFORE
    minutes: int = MINUTES


@transaction.atomic
def copresence_confirm(
    *,
    actor,
    case_id: int,
    person_id: int,
    kind: str = CloseContact.Kind.CLOSE,
    days_before: int = DAYS_BEFORE,
    minutes: int = MINUTES,
) -> CloseContact:
    """A candidate confirmed as a contact of the case (how they met: co-presence; the last exposure: their time
    at the shared place): from here on a contact like any other, managed by the protocol (cases.contact_add)."""
    case, candidate = _the_candidate(actor, case_id, person_id, days_before, minutes)
    contact = contact_add(
        actor=actor,
        case_id=case.pk,
        person_id=person_id,
        kind=kind,
        exposure=CloseContact.Exposure.COPRESENCE,
        last_exposure_at=min(candidate.at, candidate.case_at + timedelta(minutes=minutes)),
        note=f"{candidate.place_kind_label} · {candidate.place}"[:200],
    )
    CopresenceReview.objects.create(
        case=case, person_id=person_id, decision=CopresenceReview.Decision.CONFIRMED, decided_by=actor
    )
    audit_record(
        actor=actor,
        action="copresence.confirm",
        obj=case,
        object_repr=pii.mask_name(case.person.name),
        fields={"person": person_id, "kind": kind, "place": candidate.place, "overlap": candidate.overlap_minutes},
    )
    return contact


@transaction.atomic
def copresence_dismiss(
    *, actor, case_id: int, person_id: int, reason: str, days_before: int = DAYS_BEFORE, minutes: int = MINUTES
) -> CopresenceReview:
    """A candidate dismissed (they were at the door at another hour, a delivery rider who never went in …): with
    the reason, which the list shows next time instead of asking again."""
    reason = stated_reason(reason, message=_("Say why this candidate is not a contact."))[:300]
    case, candidate = _the_candidate(actor, case_id, person_id, days_before, minutes)
    review = CopresenceReview.objects.create(
        case=case, person_id=person_id, decision=CopresenceReview.Decision.DISMISSED, reason=reason, decided_by=actor
    )
    audit_record(
        actor=actor,
        action="copresence.dismiss",
        obj=case,
        object_repr=pii.mask_name(case.person.name),
        fields={"person": person_id, "place": candidate.place},
        reason=reason,
    )
    return review
