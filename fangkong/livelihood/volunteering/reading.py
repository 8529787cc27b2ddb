"""Reading volunteers' work: one volunteer in the reader's reach, their shifts, the hours ledger, and a resident's
own shifts for /me/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet

from fangkong.core import clock
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, one_in_reach, scope_for

from ..models import Shift, Volunteer
from ..selectors import volunteers_visible

# A volunteer may check in this long before the shift starts (they come early to be briefed).
EARLY = timedelta(minutes=30)


def volunteer_get(*, user, volunteer_id: int, for_update: bool = False) -> Volunteer:
    """The one access path to a volunteer: signed up in a community within the user's reach for livelihood work,
    else 404 (as for no volunteer at all)."""
    if scope_for(user, Cap.LIVELIHOOD_WORK).empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    return one_in_reach(volunteers_visible(user=user), volunteer_id, for_update=for_update)


def shift_get(*, user, shift_id: int, for_update: bool = False) -> Shift:
    """A shift of a volunteer in the user's reach, else 404."""
    scope = scope_for(user, Cap.LIVELIHOOD_WORK)
    if scope.empty:
        raise Forbidden(Cap.LIVELIHOOD_WORK)
    shifts = Shift.objects.filter(scope.q("jpath")).select_related("volunteer", "volunteer__person")
    return one_in_reach(shifts, shift_id, for_update=for_update)


def shifts_of(volunteer: Volunteer) -> QuerySet[Shift]:
    """A volunteer's shifts, the latest first."""
    return Shift.objects.filter(volunteer=volunteer).order_by("-starts_at", "-id")


@dataclass(frozen=True)
class Ledger:
    """The hours ledger: the time worked on shifts checked in and out, how many, from when to when."""

    worked: timedelta
    shifts: int
    first: object  # the first worked shift's start (a datetime), or None
    last: object

    @property
    def hours(self) -> float:
        return round(self.worked.total_seconds() / 3600, 1)


def ledger_of(volunteer: Volunteer) -> Ledger:
    done = list(
        Shift.objects.filter(volunteer=volunteer, cancelled_at__isnull=True, checked_out_at__isnull=False).order_by(
            "starts_at"
        )
    )
    worked = sum((s.worked for s in done), timedelta(0))
    return Ledger(worked, len(done), done[0].starts_at if done else None, done[-1].starts_at if done else None)


def my_shifts(person_ids: list[int]) -> list[Shift]:
    """A resident's shifts for /me/: those ending in the last week or later, in the order they come."""
    since = clock.now() - timedelta(days=7)
    return list(
        Shift.objects.filter(volunteer__person_id__in=person_ids, ends_at__gte=since)
        .select_related("volunteer__person")
        .order_by("starts_at", "id")[:50]
    )


def my_volunteer(person_ids: list[int], volunteer_id: int) -> Volunteer:
    """One of the phone's people's sign-ups (their certificate), else 404."""
    found = Volunteer.objects.filter(pk=volunteer_id, person_id__in=person_ids).select_related("person").first()
    if found is None:
        raise NotFound
    return found


def may_check_in(shift: Shift, now=None) -> bool:
    now = now or clock.now()
    return shift.cancelled_at is None and shift.checked_in_at is None and shift.starts_at - EARLY <= now < shift.ends_at


def may_check_out(shift: Shift) -> bool:
    return shift.cancelled_at is None and shift.checked_in_at is not None and shift.checked_out_at is None
