"""Registering gatherings ahead and reading them: decided at once by the rules in force (rules.decide), recorded with
the rule and the zone that decided; cancelled by the organiser's community; read within the reader's reach, each
with the decision today's rules would give (a zone declared since, a limit changed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, one_in_reach, scope_for
from fangkong.registry.models import Jurisdiction, Place

from ..models import Gathering
from .rules import Decision, decide

LARGEST = 100_000  # more expected than this is a typing error (a stadium holds fewer)
LONGEST = timedelta(days=7)


class GatheringRegisterInput(FormInput):
    """A gathering registered ahead: what, where (the jurisdiction, optionally the compound or building), when,
    how many."""

    name: str
    kind: str
    jurisdiction_id: int
    starts_at: Moment
    expected_size: int
    ends_at: Moment | None = None
    place_id: int | None = None
    address: str = ""
    organiser: str = ""


class GatheringCancelInput(FormInput):
    note: str = ""


def _text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise FieldError(field, _("This field is required."), code=Code.REQUIRED)
    if len(text) > limit:
        raise FieldError(field, _("At most %(n)d characters.") % {"n": limit}, code=Code.TOO_LONG)
    return text


def gatherings_visible(*, user) -> QuerySet[Gathering]:
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        return Gathering.objects.none()
    return Gathering.objects.filter(scope.q("jpath")).select_related("jurisdiction", "place").order_by("starts_at")


def gathering_get(*, user, gathering_id: int, for_update: bool = False) -> Gathering:
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    return one_in_reach(gatherings_visible(user=user), gathering_id, for_update=for_update)


def decision_now(gathering: Gathering) -> Decision | None:
    """What today's rules would decide for a gathering still to come, where it differs from its decision (a zone
    declared over the place since, a limit changed); None when it stands, or the gathering is past or cancelled."""
    if gathering.state == Gathering.State.CANCELLED or (gathering.ends_at or gathering.starts_at) < clock.now():
        return None
    now = decide(jurisdiction=gathering.jurisdiction, place=gathering.place, size=gathering.expected_size)
    return now if now.state != gathering.state else None


@transaction.atomic
def gathering_register(
    *,
    actor,
    name: str,
    kind: str,
    jurisdiction_id: int,
    starts_at: datetime,
    expected_size: int,
    ends_at: datetime | None = None,
    place_id: int | None = None,
    address: str = "",
    organiser: str = "",
) -> Gathering:
    """Registered and decided at once: approved, approved with conditions, or refused with the reason — a refusal
    is recorded too (the community follows it up)."""
    scope = scope_for(actor, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    name = _text("name", name, 100, required=True)
    if kind not in Gathering.Kind.values:
        raise FieldError(
            "kind",
            _("A wedding, a funeral, a market, a performance, a religious service or other."),
            code=Code.UNKNOWN_CHOICE,
        )
    where = Jurisdiction.objects.filter(scope.q("path"), pk=jurisdiction_id, retired_on__isnull=True).first()
    if where is None:
        raise FieldError("jurisdiction_id", _("Unknown jurisdiction, or outside your reach."), code=Code.NOT_FOUND)
    place = None
    if place_id:
        place = Place.objects.filter(pk=place_id, jpath__startswith=where.path).first()
        if place is None:
            raise FieldError("place_id", _("No such compound or building there."), code=Code.NOT_FOUND)
    now = clock.now()
    if starts_at < now:
        raise FieldError("starts_at", _("A gathering is registered before it starts."), code=Code.OUT_OF_RANGE)
    if starts_at > now + timedelta(days=366):
        raise FieldError("starts_at", _("At most a year ahead."), code=Code.OUT_OF_RANGE)
    if ends_at is not None and ends_at <= starts_at:
        raise FieldError("ends_at", _("It ends after it starts."), code=Code.END_BEFORE_START)
    if ends_at is not None and ends_at - starts_at > LONGEST:
        raise FieldError("ends_at", _("At most 7 days; register a longer event day by day."), code=Code.OUT_OF_RANGE)
    if not 1 <= expected_size <= LARGEST:
        raise FieldError("expected_size", _("Between 1 and 100,000 people."), code=Code.OUT_OF_RANGE)
    decision = decide(jurisdiction=where, place=place, size=expected_size)
    gathering = Gathering.objects.create(
        name=name,
        kind=kind,
        jurisdiction=where,
        jpath=where.path,
        place=place,
        address=_text("address", address, 200),
        starts_at=starts_at,
        ends_at=ends_at,
        expected_size=expected_size,
        organiser=_text("organiser", organiser, 60),
        state=decision.state,
        reason_code=decision.reason_code,
        limit_used=decision.limit,
        conditions=decision.conditions,
        level_code=decision.level_code,
        zone_id_at_decision=decision.zone.pk if decision.zone is not None else None,
        zone_name=decision.zone.name if decision.zone is not None else "",
        rule_version=decision.rule_version,
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="livelihood.gathering_register",
        obj=gathering,
        object_repr=gathering.name,
        jpath=gathering.jpath,
        fields={"size": expected_size, "state": decision.state, "level": decision.level_code},
    )
    return gathering


@transaction.atomic
def gathering_cancel(*, actor, gathering_id: int, note: str = "") -> Gathering:
    gathering = gathering_get(user=actor, gathering_id=gathering_id, for_update=True)
    if gathering.state in (Gathering.State.CANCELLED, Gathering.State.REFUSED):
        raise FieldError("state", _("This gathering is not going ahead already."), code=Code.WRONG_STATE)
    note = _text("note", note, 200, required=True)
    gathering.state, gathering.cancelled_at, gathering.cancel_note = Gathering.State.CANCELLED, clock.now(), note
    gathering.save(update_fields=["state", "cancelled_at", "cancel_note"])
    audit_record(
        actor=actor,
        action="livelihood.gathering_cancel",
        obj=gathering,
        object_repr=gathering.name,
        jpath=gathering.jpath,
    )
    return gathering
