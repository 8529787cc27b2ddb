"""Writing volunteers' work: the community assigns shifts (never two at once for one volunteer: checked under a
lock on the volunteer's row), cancels them with a reason, and the volunteer checks in and out on their phone (or an
officer does it for them, recorded as such)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import Resident, audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.scoping import NotFound

from .. import errors
from ..models import Shift, Volunteer
from .reading import EARLY, shift_get, volunteer_get

LONGEST = timedelta(hours=12)  # a longer shift is two shifts (or a typing error)
BACKFILL = timedelta(days=7)  # a shift worked last week may still be recorded; not older


class ShiftAssignInput(FormInput):
    """A shift for a volunteer: the task, where, from when to when."""

    starts_at: Moment
    ends_at: Moment
    task: str
    place: str = ""


class ShiftCancelInput(FormInput):
    """Why the shift is called off (the volunteer sees it)."""

    note: str = ""


class ShiftCheckOutInput(FormInput):
    """When the volunteer left: now unless an officer records a check-out the volunteer forgot."""

    at: Moment | None = None


def _place(value: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > 100:
        raise FieldError("place", _("At most %(n)d characters.") % {"n": 100}, code=Code.TOO_LONG)
    return text


@transaction.atomic
def shift_assign(
    *, actor, volunteer_id: int, starts_at: datetime, ends_at: datetime, task: str, place: str = ""
) -> Shift:
    """A shift for an accepted volunteer of the actor's communities. Refused with `overlap`, naming the other
    shift, when the volunteer has one at the same time; nothing is written then."""
    volunteer = volunteer_get(user=actor, volunteer_id=volunteer_id, for_update=True)  # two assigners queue here
    if volunteer.state != Volunteer.State.ACCEPTED:
        raise FieldError("volunteer", _("Only an accepted volunteer is given shifts."), code=Code.WRONG_STATE)
    if task not in Shift.Task.values:
        raise FieldError("task", _("Choose one of the tasks."), code=Code.UNKNOWN_CHOICE)
    if ends_at <= starts_at:
        raise FieldError("ends_at", _("The shift ends after it starts."), code=Code.END_BEFORE_START)
    if ends_at - starts_at > LONGEST:
        raise FieldError("ends_at", _("A shift lasts at most 12 hours."), code=Code.OUT_OF_RANGE)
    if starts_at < clock.now() - BACKFILL:
        raise FieldError(
            "starts_at", _("A shift is recorded within 7 days of when it was worked."), code=Code.OUT_OF_RANGE
        )
    clash = (
        Shift.objects.filter(
            volunteer=volunteer, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise FieldError(
            "starts_at",
            _("%(name)s has a shift from %(start)s to %(end)s already.")
            % {
                "name": volunteer.person.name,
                "start": clock.localtime(clash.starts_at),
                "end": clock.localtime(clash.ends_at)[11:],
            },
            code=errors.Code.OVERLAP,
        )
    shift = Shift.objects.create(
        volunteer=volunteer,
        task=task,
        place=_place(place),
        jpath=volunteer.jpath,
        starts_at=starts_at,
        ends_at=ends_at,
        assigned_by=actor,
    )
    audit_record(
        actor=actor,
        action="livelihood.shift_assign",
        obj=shift,
        jpath=shift.jpath,
        fields={"volunteer": volunteer.pk, "task": task, "starts_at": starts_at.isoformat()},
    )
    return shift


@transaction.atomic
def shift_cancel(*, actor, shift_id: int, note: str = "") -> Shift:
    """Call a shift off, saying why (the volunteer sees it); a shift already begun cannot be."""
    shift = shift_get(user=actor, shift_id=shift_id, for_update=True)
    if shift.cancelled_at is not None:
        raise FieldError("shift", _("This shift is cancelled already."), code=Code.WRONG_STATE)
    if shift.checked_in_at is not None:
        raise FieldError(
            "shift", _("The volunteer has checked in: the shift cannot be cancelled."), code=Code.WRONG_STATE
        )
    note = " ".join((note or "").split())
    if not note:
        raise FieldError("note", _("Say why (the volunteer is told)."), code=Code.NOTE_REQUIRED)
    if len(note) > 200:
        raise FieldError("note", _("At most %(n)d characters.") % {"n": 200}, code=Code.TOO_LONG)
    shift.cancelled_at, shift.cancel_note = clock.now(), note
    shift.save(update_fields=["cancelled_at", "cancel_note"])
    audit_record(actor=actor, action="livelihood.shift_cancel", obj=shift, jpath=shift.jpath)
    return shift


def _mine(person_ids: list[int], shift_id: int) -> Shift:
    """A shift of one of the phone's people, locked; else 404."""
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .filter(pk=shift_id, volunteer__person_id__in=person_ids)
        .select_related("volunteer")
        .first()
    )
    if shift is None:
        raise NotFound
    return shift


def _shift_for(actor, person_ids: list[int] | None, shift_id: int) -> Shift:
    if person_ids is not None:
        return _mine(person_ids, shift_id)
    return shift_get(user=actor, shift_id=shift_id, for_update=True)


@transaction.atomic
def shift_check_in(*, shift_id: int, actor=None, person_ids: list[int] | None = None) -> Shift:
    """The volunteer arrives: on their own phone (`person_ids`, from /me/) or recorded by an officer (`actor`).
    From half an hour before the start until the end; once."""
    shift = _shift_for(actor, person_ids, shift_id)
    now = clock.now()
    if shift.cancelled_at is not None:
        raise FieldError("shift", _("This shift is cancelled."), code=Code.WRONG_STATE)
    if shift.checked_in_at is not None:
        raise FieldError("shift", _("Checked in already."), code=Code.WRONG_STATE)
    if shift.volunteer.state != Volunteer.State.ACCEPTED:
        raise FieldError("shift", _("This volunteer no longer serves."), code=Code.WRONG_STATE)
    if now < shift.starts_at - EARLY:
        raise FieldError("shift", _("Check in from half an hour before the shift starts."), code=Code.WRONG_STATE)
    if now >= shift.ends_at:
        raise FieldError("shift", _("This shift has ended."), code=Code.WRONG_STATE)
    shift.checked_in_at, shift.checked_in_by = now, actor
    shift.save(update_fields=["checked_in_at", "checked_in_by"])
    who = actor if actor is not None else Resident(shift.volunteer.person_id)
    audit_record(actor=who, action="livelihood.shift_check_in", obj=shift, jpath=shift.jpath)
    return shift


@transaction.atomic
def shift_check_out(
    *, shift_id: int, actor=None, person_ids: list[int] | None = None, at: datetime | None = None
) -> Shift:
    """The volunteer leaves: now, or (an officer only) the time they left when they forgot to check out — not
    before they came, not in the future. The hours ledger counts from check-in to check-out."""
    shift = _shift_for(actor, person_ids, shift_id)
    now = clock.now()
    if shift.checked_in_at is None or shift.cancelled_at is not None:
        raise FieldError("shift", _("Not checked in."), code=Code.WRONG_STATE)
    if shift.checked_out_at is not None:
        raise FieldError("shift", _("Checked out already."), code=Code.WRONG_STATE)
    when = now if at is None or person_ids is not None else at
    if when > now:
        raise FieldError("at", _("This time has not come yet."), code=Code.IN_FUTURE)
    if when <= shift.checked_in_at:
        raise FieldError("at", _("The check-out comes after the check-in."), code=Code.END_BEFORE_START)
    shift.checked_out_at, shift.checked_out_by = when, actor
    shift.save(update_fields=["checked_out_at", "checked_out_by"])
    who = actor if actor is not None else Resident(shift.volunteer.person_id)
    audit_record(
        actor=who,
        action="livelihood.shift_check_out",
        obj=shift,
        jpath=shift.jpath,
        fields={"minutes": int((when - shift.checked_in_at).total_seconds() // 60)},
    )
    return shift
