"""Hazards from finding to closure (销号), each step by the role it belongs to:

    found → registered → ordered → rectifying → applied → accepted → closed
                                       ↑___________|  (re-inspection not passed)

- the regulator (or an inspector) finds, registers, orders rectification, re-inspects, accepts and closes;
- the enterprise rectifies and applies for acceptance (and may find, register and rectify general hazards of its
  own self-inspection without an order);
- a major hazard cannot enter rectification without its five assurances (responsibility, measures, funds, time
  limit, contingency plan); nothing is closed that was not re-inspected and accepted;
- overdue rectification and a regulator's review pending more than 10 days are read from the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core import clock, daily
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import EndMoment, FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.core.uploads import stored_upload

from .events import MAJOR_HAZARD_ALERT
from .labels import ASSURANCE_CHOICES, assurance_label, joined
from .models import Hazard, HazardStep
from .selectors import enterprises_visible, role_of

# Counts per day kept by the writes (core.daily): the hall's trends.
HAZARDS_FOUND = "safety.hazards_found"  # hazard_create
HAZARDS_CLOSED = "safety.hazards_closed"  # hazard_advance to closed (销号)

ASSURANCES = tuple(key for key, _label in ASSURANCE_CHOICES)  # responsibility … contingency
REVIEW_DAYS = 10
S = Hazard.State

# to-state → (allowed from-states, who: "regulator" | "enterprise")
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    S.REGISTERED: ((S.FOUND,), "either"),
    S.ORDERED: ((S.REGISTERED,), "regulator"),
    S.RECTIFYING: ((S.ORDERED, S.REGISTERED, S.APPLIED), "depends"),
    S.APPLIED: ((S.RECTIFYING,), "enterprise"),
    S.ACCEPTED: ((S.APPLIED,), "regulator"),
    S.CLOSED: ((S.ACCEPTED,), "regulator"),
}


def overdue_q(now: datetime) -> Q:
    """Past the rectification deadline and not yet accepted or closed (the hall's count, the lists, the desk)."""
    return Q(deadline__lt=now) & ~Q(state__in=[S.ACCEPTED, S.CLOSED])


def hazards_in_state(rows: QuerySet[Hazard], state: str) -> QuerySet[Hazard]:
    """The hazards list's filter: a state, or "open" (not closed), "overdue", "lacking" (the hall's figures)."""
    if state == "open":
        return rows.exclude(state=S.CLOSED)
    if state == "overdue":
        return rows.filter(overdue_q(clock.now()))
    if state == "lacking":
        return rows.filter(lacking_assurances_q())
    return rows.filter(state=state) if state else rows


def lacking_assurances_q() -> Q:
    """Major hazards registered or ordered whose five assurances are not all given (a key missing, null or blank),
    as a condition the database checks (the hall counts them; the hazards list shows them)."""
    lacking = Q()
    for k in ASSURANCES:
        lacking |= (
            Q(**{f"assurances__{k}__isnull": True}) | Q(**{f"assurances__{k}": None}) | Q(**{f"assurances__{k}": ""})
        )
    return lacking & Q(grade=Hazard.Grade.MAJOR, state__in=[Hazard.State.REGISTERED, Hazard.State.ORDERED])


class HazardCreateInput(FormInput):
    """A hazard found, from the API's body or the hazards page's form. The deadline closes the time given to
    rectify: a bare date means the end of that day."""

    enterprise_id: int
    grade: str  # general | major
    description: str
    deadline: EndMoment


class HazardTransitionInput(FormInput):
    """The next step of a hazard; `assurances` (responsibility, measures, funds, time_limit, contingency) go with
    a major hazard's rectification."""

    to: str  # registered | ordered | rectifying | applied | accepted | closed
    note: str = ""
    assurances: dict[str, str] | None = None

    @classmethod
    def form_values(cls, post) -> dict:
        """The hazard's page has a field for each assurance; those filled in are the assurances."""
        values = super().form_values(post)
        assurances = {a: post.get(a, "") for a in ASSURANCES if str(post.get(a, "")).strip()}
        values["assurances"] = assurances or None
        return values


@transaction.atomic
def hazard_create(
    *, actor, enterprise_id: int, grade: str, description: str, deadline: datetime | None, source: str = ""
) -> Hazard:
    enterprise = enterprises_visible(user=actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound
    # Its officer or its regulator (the hazards page offers the form at selectors.enterprises_acted_for, the same).
    role = role_of(actor, enterprise)
    if not role:
        raise Forbidden(Cap.SAFETY_REGULATE)
    if grade not in Hazard.Grade.values:
        raise FieldError("grade", _("A hazard is general or major."), code=Code.UNKNOWN_CHOICE)
    text = (description or "").strip()
    if len(text) < 4:
        raise FieldError("description", _("Describe the hazard."), code=Code.TOO_SHORT if text else Code.REQUIRED)
    if deadline is None:
        raise FieldError("deadline", _("The rectification deadline must be in the future."), code=Code.REQUIRED)
    if deadline <= clock.now():
        raise FieldError("deadline", _("The rectification deadline must be in the future."), code=Code.OUT_OF_RANGE)
    hazard = Hazard.objects.create(
        enterprise=enterprise,
        grade=grade,
        description=text,
        source=source or ("self" if role == "enterprise" else "inspection"),
        found_by=actor,
        deadline=deadline,
        jpath=enterprise.jpath,
        industry=getattr(getattr(enterprise, "safety_profile", None), "industry", ""),
    )
    HazardStep.objects.create(hazard=hazard, to=S.FOUND, by=actor)
    daily.add(HAZARDS_FOUND, hazard.found_at, hazard.jpath, shard=hazard.pk)
    audit_record(actor=actor, action="hazard.found", obj=hazard, fields={"grade": grade, "source": hazard.source})
    if grade == Hazard.Grade.MAJOR:
        raise_alert(
            kind=MAJOR_HAZARD_ALERT,
            subject=f"{enterprise.name} · {text[:60]}",
            jpath=hazard.jpath,
            link=reverse("safety:hazard", args=[hazard.pk]),
            ref=f"safety.hazard:{hazard.pk}",
        )
    return hazard


def transition_check(user, hazard: Hazard, to: str, *, role: str | None = None) -> str:
    """Whether `user` may take `hazard` to `to` as it stands — its state, the user's part and the step's owner — and
    the part they act in; refused as the service refuses (FieldError, Forbidden). What the step needs besides (a
    major hazard's five assurances) is the input's, checked by the service. The hazard's page offers the steps this
    allows and no other, so a button never leads to a refusal of who or when."""
    if to not in MOVES:
        raise FieldError("to", _("Unknown state."), code=Code.UNKNOWN_CHOICE)
    allowed_from, _who = MOVES[to]
    if hazard.state not in allowed_from:
        if to == S.CLOSED:
            raise FieldError(
                "to",
                _("A hazard is closed only after re-inspection has accepted its rectification."),
                code=Code.WRONG_STATE,
            )
        raise FieldError(
            "to",
            _("Not from “%(now)s” to “%(to)s”.") % {"now": hazard.get_state_display(), "to": S(to).label},
            code=Code.WRONG_STATE,
        )
    role = role_of(user, hazard.enterprise) if role is None else role
    if not role:
        raise Forbidden(Cap.SAFETY_REGULATE)
    _check_who(role, to, hazard)
    return role


def can_transition(user, hazard: Hazard, to: str, *, role: str | None = None) -> bool:
    try:
        transition_check(user, hazard, to, role=role)
    except (FieldError, Forbidden):
        return False
    return True


def transitions_for(user, hazard: Hazard) -> list[str]:
    """The steps the hazard's page offers `user`: each one `transition_check` allows (the part read once)."""
    role = role_of(user, hazard.enterprise)
    return [to for to in MOVES if can_transition(user, hazard, to, role=role)]


def _check_who(role: str, to: str, hazard: Hazard) -> None:
    _allowed, who = MOVES[to]
    if to == S.RECTIFYING:
        # Rectifying starts on the enterprise's side; after a failed re-inspection the regulator sends it back.
        if hazard.state == S.APPLIED:
            who = "regulator"
        elif hazard.state == S.REGISTERED:
            # Without an order only for a general hazard the enterprise found itself.
            if not (hazard.source == "self" and hazard.grade == Hazard.Grade.GENERAL):
                raise FieldError("to", _("This hazard needs a rectification order first."), code=Code.WRONG_STATE)
            who = "enterprise"
        else:
            who = "enterprise"
    if who == "either":
        return
    if role != who:
        raise Forbidden(
            _("The enterprise does this step.") if who == "enterprise" else _("The regulator does this step.")
        )


@transaction.atomic
def hazard_transition(*, actor, hazard_id: int, to: str, note: str = "", assurances: dict | None = None) -> Hazard:
    hazard = Hazard.objects.select_for_update().select_related("enterprise").filter(pk=hazard_id).first()
    if hazard is None or not enterprises_visible(user=actor).filter(pk=hazard.enterprise_id).exists():
        raise NotFound
    role = transition_check(actor, hazard, to)
    if assurances:
        unknown = set(assurances) - set(ASSURANCES)
        if unknown:
            raise FieldError(
                "assurances",
                _("The five assurances are: %(a)s.") % {"a": joined(assurance_label(a) for a in ASSURANCES)},
                code=Code.UNKNOWN_CHOICE,
            )
        hazard.assurances = {**hazard.assurances, **{k: str(v).strip() for k, v in assurances.items()}}
    if to == S.RECTIFYING and hazard.grade == Hazard.Grade.MAJOR:
        missing = [a for a in ASSURANCES if not hazard.assurances.get(a)]
        if missing:
            raise FieldError(
                "assurances",
                _("A major hazard needs its five assurances before rectification; missing: %(m)s.")
                % {"m": joined(assurance_label(a) for a in missing)},
                code=Code.REQUIRED,
            )
    now = clock.now()
    hazard.state = to
    if to == S.APPLIED:
        hazard.applied_at = now
    if to == S.CLOSED:
        hazard.closed_at = now
        daily.add(HAZARDS_CLOSED, now, hazard.jpath, shard=hazard.pk)
    hazard.save(update_fields=["state", "assurances", "applied_at", "closed_at"])
    HazardStep.objects.create(hazard=hazard, to=to, by=actor, note=(note or "").strip())
    audit_record(actor=actor, action=f"hazard.{to}", obj=hazard, fields={"role": role}, reason=(note or "")[:300])
    return hazard


@transaction.atomic
def hazard_extend(*, actor, hazard_id: int, deadline: datetime, note: str) -> Hazard:
    """The regulator grants more time (recorded; the count shows on the hazard)."""
    hazard = Hazard.objects.select_for_update().select_related("enterprise").filter(pk=hazard_id).first()
    if hazard is None or not enterprises_visible(user=actor).filter(pk=hazard.enterprise_id).exists():
        raise NotFound
    if role_of(actor, hazard.enterprise) != "regulator":
        raise Forbidden(_("The regulator does this step."))
    if deadline <= hazard.deadline:
        raise FieldError("deadline", _("An extension comes after the current deadline."), code=Code.OUT_OF_RANGE)
    if not (note or "").strip():
        raise FieldError("note", _("Give the reason for the extension."), code=Code.REASON_REQUIRED)
    hazard.deadline, hazard.extensions = deadline, hazard.extensions + 1
    hazard.save(update_fields=["deadline", "extensions"])
    HazardStep.objects.create(hazard=hazard, to="extended", by=actor, note=note.strip())
    audit_record(actor=actor, action="hazard.extend", obj=hazard, fields={"deadline": deadline.isoformat()})
    return hazard


def flags(hazard: Hazard, now: datetime | None = None) -> dict[str, bool]:
    """Overdue rectification; the regulator's review pending longer than 10 days."""
    now = now or clock.now()
    return {
        "overdue": hazard.state not in (S.ACCEPTED, S.CLOSED) and now > hazard.deadline,
        "review_overdue": hazard.state == S.APPLIED
        and hazard.applied_at is not None
        and now > hazard.applied_at + timedelta(days=REVIEW_DAYS),
    }


@transaction.atomic
def hazard_list_supervision(*, actor, hazard_id: int, listed: bool, note: str) -> Hazard:
    """挂牌督办: a major hazard put under listed supervision (or taken off), by the regulator, on the record."""
    hazard = Hazard.objects.select_for_update().select_related("enterprise").filter(pk=hazard_id).first()
    if hazard is None or not enterprises_visible(user=actor).filter(pk=hazard.enterprise_id).exists():
        raise NotFound
    if role_of(actor, hazard.enterprise) != "regulator":
        raise Forbidden(_("The regulator does this step."))
    if hazard.grade != Hazard.Grade.MAJOR:
        raise FieldError("listed", _("Listed supervision is for major hazards."), code=Code.WRONG_STATE)
    if not (note or "").strip():
        raise FieldError("note", _("Give the basis (the supervising document)."), code=Code.REQUIRED)
    hazard.listed = listed
    hazard.save(update_fields=["listed"])
    HazardStep.objects.create(hazard=hazard, to="listed" if listed else "unlisted", by=actor, note=note.strip())
    audit_record(actor=actor, action="hazard.listed", obj=hazard, fields={"listed": listed})
    return hazard


@transaction.atomic
def hazard_photo(*, actor, hazard_id: int, photo, stage: str) -> HazardStep:
    """A before or after photo (the enterprise's or the regulator's), kept with the hazard's steps: a JPEG, PNG
    or WebP image checked by its content, stored under a name we make (core.uploads)."""
    hazard = Hazard.objects.select_for_update().select_related("enterprise").filter(pk=hazard_id).first()
    if hazard is None or not role_of(actor, hazard.enterprise):
        raise NotFound
    if stage not in ("before", "after"):
        raise FieldError("stage", _("A photo from before or after the rectification."), code=Code.UNKNOWN_CHOICE)
    image = stored_upload(photo, field="photo", kinds={"image"})
    step = HazardStep.objects.create(hazard=hazard, to=f"photo_{stage}", by=actor, photo=image)
    audit_record(actor=actor, action="hazard.photo", obj=hazard, fields={"stage": stage})
    return step
