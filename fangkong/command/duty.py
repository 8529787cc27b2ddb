"""Duty: rosters made from a template (every day 08:00–08:00 over a holiday), a leader and officers on each
shift, check-in and check-out by the people on duty, flags derived from the clock (no leader; started and
nobody checked in), the duty log and significant events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import ClockTime, Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.registry.models import Jurisdiction, Unit
from fangkong.registry.selectors import district_users, jurisdictions_within, staff_within, units_within

from . import errors
from .models import DutyAssignment, DutyLogEntry, DutyShift

MAX_DAYS = 62


def _post(actor, jurisdiction_id: int | None, unit_id: int | None) -> tuple[Jurisdiction | None, Unit | None, str]:
    """The duty room: a jurisdiction's or a unit's within the actor's reach."""
    reach = scope_for(actor, Cap.DUTY_MANAGE)
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or not reach.covers(unit.jpath):
            raise NotFound
        return None, unit, unit.jpath
    if jurisdiction_id is None:
        raise FieldError("jurisdiction_id", _("Choose the duty room: a jurisdiction or a unit."), code=Code.REQUIRED)
    place = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if place is None or not reach.covers(place.path):
        raise NotFound
    return place, None, place.path


@dataclass(frozen=True)
class Holiday:
    """A roster template: a holiday's name and its usual length; its first day when the date is fixed (the lunar
    holidays move, and the State Council's yearly schedule decides: the officer gives their first day)."""

    key: str
    label: str
    days: int
    month_day: tuple[int, int] | None = None


HOLIDAYS = (
    Holiday("new_year", "元旦假期", 3, (1, 1)),
    Holiday("spring_festival", "春节假期", 8),
    Holiday("qingming", "清明节假期", 3),
    Holiday("labour_day", "五一假期", 5, (5, 1)),
    Holiday("dragon_boat", "端午节假期", 3),
    Holiday("mid_autumn", "中秋节假期", 3),
    Holiday("national_day", "国庆假期", 7, (10, 1)),
    Holiday("weekend", "周末", 2),
)


def _holiday_first(holiday: Holiday, today: date) -> date | None:
    """The next first day of a holiday with a fixed date (today counts); the coming Saturday for a weekend."""
    if holiday.key == "weekend":
        return today + timedelta(days=(5 - today.weekday()) % 7)
    if holiday.month_day is None:
        return None
    first = date(today.year, *holiday.month_day)
    return first if first >= today else date(today.year + 1, *holiday.month_day)


class RosterCreateInput(FormInput):
    """A roster: from the API's body, or the roster page's form (whose one "post" field names the duty room as
    `j:ID` or `unit:ID`)."""

    jurisdiction_id: int | None = None  # a jurisdiction's duty room …
    unit_id: int | None = None  # … or a unit's
    template: str = ""  # a holiday (HOLIDAYS): its length, its name and, for a fixed date, its first day
    first: Day | None = None
    days: int | None = None
    change_at: ClockTime = time(8, 0)
    label: str = ""

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        kind, _sep, ref = str(post.get("post", "")).partition(":")
        if ref.isdigit():
            values["unit_id" if kind == "unit" else "jurisdiction_id"] = int(ref)
        return values


@transaction.atomic
def roster_generate(
    *,
    actor,
    first: date | None = None,
    days: int | None = None,
    jurisdiction_id: int | None = None,
    unit_id: int | None = None,
    change_at: time = time(8, 0),
    label: str = "",
    template: str = "",
) -> list[DutyShift]:
    """One shift a day from `first` for `days` days (a holiday template: 五一 = 5 days from May 1), for a
    jurisdiction's duty room or a unit's. Days already rostered are kept (and not counted)."""
    place, unit, path = _post(actor, jurisdiction_id, unit_id)
    if template:
        holiday = next((h for h in HOLIDAYS if h.key == template), None)
        if holiday is None:
            raise FieldError("template", _("Choose one of the holidays listed."), code=Code.UNKNOWN_CHOICE)
        first = first or _holiday_first(holiday, clock.localdate())
        days = days or holiday.days
        label = label or holiday.label
    if first is None:
        raise FieldError("first", _("Give the first day."), code=Code.REQUIRED)
    days = 1 if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise FieldError("days", _("From 1 to %(n)d days.") % {"n": MAX_DAYS}, code=Code.OUT_OF_RANGE)
    tz = timezone.get_default_timezone()
    made = []
    for d in range(days):
        start = datetime.combine(first + timedelta(days=d), change_at)
        # A change time with an offset (08:00+09:00) is that instant; without one, the district's clock time.
        start = start.astimezone(tz) if timezone.is_aware(start) else timezone.make_aware(start, tz)
        shift, created = DutyShift.objects.get_or_create(
            jurisdiction=place,
            unit=unit,
            starts_at=start,
            defaults={"ends_at": start + timedelta(days=1), "label": label[:60], "jpath": path},
        )
        if created:
            made.append(shift)
    audit_record(actor=actor, action="duty.roster", obj=place or unit, fields={"shifts": len(made), "label": label})
    return made


class DutyAssignInput(FormInput):
    """Someone on a shift: from the API's body or the roster page's form (which names them by user name, from the
    one list of the staff within reach the page carries)."""

    user_id: int | None = None
    username: str = ""
    role: str  # leader | officer


def _shift_managed(actor, shift_id: int) -> DutyShift:
    shift = DutyShift.objects.select_for_update().filter(pk=shift_id).first()
    if shift is None or not scope_for(actor, Cap.DUTY_MANAGE).covers(shift.jpath):
        raise NotFound
    return shift


@transaction.atomic
def duty_assign(*, actor, shift_id: int, role: str, user_id: int | None = None, username: str = "") -> DutyAssignment:
    """A leader on duty (one a shift) or a duty officer — by id or user name — chosen among the staff within the
    manager's reach; nobody on two shifts at once. The person is told."""
    shift = _shift_managed(actor, shift_id)
    if role not in DutyAssignment.Role.values:
        raise FieldError("role", _("Leader on duty or duty officer."), code=Code.UNKNOWN_CHOICE)
    # Someone beyond the manager's reach reads like nobody: a roster is not a way to find out who exists.
    staff = staff_within(user=actor, cap=Cap.DUTY_MANAGE)
    field = "user_id" if user_id is not None else "username"
    if user_id is None and not (username or "").strip():
        raise FieldError("username", _("Choose who goes on duty."), code=Code.REQUIRED)
    user = (
        staff.filter(pk=user_id) if user_id is not None else staff.filter(username__iexact=username.strip())
    ).first()
    if user is None:
        raise FieldError(field, _("Unknown user."), code=Code.NOT_FOUND)
    clash = DutyAssignment.objects.filter(user=user, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at)
    if clash.exists():
        raise FieldError(
            field,
            _("%(u)s is on another shift at that time.") % {"u": user.get_username()},
            code=errors.Code.SHIFT_CLASH,
        )
    if role == DutyAssignment.Role.LEADER and shift.assignments.filter(role=role).exists():
        raise FieldError("role", _("This shift has its leader on duty already."), code=Code.DUPLICATE)
    assignment = DutyAssignment.objects.create(
        shift=shift, user=user, role=role, starts_at=shift.starts_at, ends_at=shift.ends_at
    )
    _recorded_and_told(actor, shift, user, role, "duty.assign", gettext_lazy("You are on duty %(at)s"))
    return assignment


def _recorded_and_told(actor, shift: DutyShift, user, role: str, action: str, title: Promise) -> None:
    """A change of who is on a shift: on the record, and the person told."""
    audit_record(
        actor=actor, action=action, obj=shift, jpath=shift.jpath, fields={"user": user.get_username(), "role": role}
    )
    notify([user], title=words(title, at=clock.localtime(shift.starts_at)), link="/command/duty/")


@transaction.atomic
def duty_unassign(*, actor, shift_id: int, assignment_id: int) -> None:
    """Take someone off a shift before they checked in (a mistake, a change of plan); the person is told. Once
    checked in, the shift is theirs on the record."""
    shift = _shift_managed(actor, shift_id)
    a = DutyAssignment.objects.select_for_update().filter(pk=assignment_id, shift=shift).first()
    if a is None:  # the shift is within reach: naming someone not on it is a mistake in the request
        raise FieldError("assignment_id", _("Nobody by that assignment is on this shift."), code=Code.NOT_FOUND)
    if a.checked_in_at is not None:
        raise FieldError("assignment_id", _("They have checked in: the shift is on the record."), code=Code.WRONG_STATE)
    user, role = a.user, a.role
    a.delete()
    _recorded_and_told(actor, shift, user, role, "duty.unassign", gettext_lazy("You are off duty %(at)s"))


def duty_assignment_get(*, user, shift_id: int, for_update: bool = False) -> DutyAssignment:
    """The one access path to a duty assignment: the user's own on that shift (404 otherwise); `for_update` locks
    its row (of self)."""
    qs = DutyAssignment.objects.select_related("shift").filter(shift_id=shift_id, user=user)
    a = (qs.select_for_update(of=("self",)) if for_update else qs).first()
    if a is None:
        raise NotFound
    return a


@transaction.atomic
def duty_check_in(*, actor, shift_id: int) -> DutyAssignment:
    a = duty_assignment_get(user=actor, shift_id=shift_id, for_update=True)
    now = clock.now()
    if now < a.starts_at - timedelta(hours=1) or now >= a.ends_at:
        raise FieldError(
            "shift", _("Check in during your shift (from an hour before it)."), code=errors.Code.OUTSIDE_SHIFT
        )
    if a.checked_in_at is None:
        a.checked_in_at = now
        a.save(update_fields=["checked_in_at"])
        audit_record(actor=actor, action="duty.check_in", obj=a.shift, jpath=a.shift.jpath)
    return a


@transaction.atomic
def duty_check_out(*, actor, shift_id: int) -> DutyAssignment:
    a = duty_assignment_get(user=actor, shift_id=shift_id, for_update=True)
    if a.checked_in_at is None:
        raise FieldError("shift", _("You have not checked in."), code=Code.WRONG_STATE)
    if a.checked_out_at is None:
        a.checked_out_at = clock.now()
        a.save(update_fields=["checked_out_at"])
        audit_record(
            actor=actor,
            action="duty.check_out",
            obj=a.shift,
            jpath=a.shift.jpath,
            fields={"early": a.checked_out_at < a.ends_at - timedelta(minutes=30)},
        )
    return a


class DutyLogInput(FormInput):
    """A duty log entry, from the API's body or the duty page's form."""

    text: str


@transaction.atomic
def duty_log(*, actor, shift_id: int, text: str) -> DutyLogEntry:
    """Entries are written by whoever is on the shift."""
    a = duty_assignment_get(user=actor, shift_id=shift_id, for_update=True)
    if not (text or "").strip():
        raise FieldError("text", _("Write what happened."), code=Code.REQUIRED)
    return DutyLogEntry.objects.create(shift=a.shift, author=actor, text=text.strip())


@transaction.atomic
def duty_log_promote(*, actor, entry_id: int) -> DutyLogEntry:
    """A significant event: HQ (or the post's manager) is told at once."""
    entry = DutyLogEntry.objects.select_for_update().select_related("shift").filter(pk=entry_id).first()
    roles = set(entry.shift.assignments.filter(user=actor).values_list("role", flat=True)) if entry else set()
    manages = entry is not None and scope_for(actor, Cap.DUTY_MANAGE).covers(entry.shift.jpath)
    if entry is None or not (roles or manages):
        raise NotFound  # an entry of a shift one neither serves on nor manages reads like none at all
    if not (manages or DutyAssignment.Role.LEADER in roles):
        raise Forbidden(Cap.DUTY_MANAGE)  # an officer of the shift sees it; the leader or a manager promotes
    if not entry.significant:
        entry.significant, entry.promoted_by, entry.promoted_at = True, actor, clock.now()
        entry.save(update_fields=["significant", "promoted_by", "promoted_at"])
        audit_record(actor=actor, action="duty.significant", obj=entry.shift, jpath=entry.shift.jpath)
        notify(
            district_users(Cap.SITUATION_APPROVE),
            title=words(gettext_lazy("Significant event: %(t)s"), t=entry.text[:150]),
            link="/command/duty/",
        )
    return entry


@dataclass
class ShiftView:
    shift: DutyShift
    leader: DutyAssignment | None
    officers: list[DutyAssignment]
    no_leader: bool
    nobody_in: bool


def board(*, user, day: date | None = None, within: str = "", days: int = 1) -> list[ShiftView]:
    """The shifts running or starting on `day` (and the `days` - 1 days after it) within the user's reach (under
    `within`, a jurisdiction's path, when given), with the flags the clock says."""
    scope = scope_for(user, Cap.DUTY_MANAGE)
    if scope.empty:
        raise Forbidden(Cap.DUTY_MANAGE)
    day = day or clock.localdate()
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time(0, 0)), tz)
    shifts = (
        DutyShift.objects.filter(
            scope.q("jpath"), starts_at__lt=start + timedelta(days=max(1, min(days, MAX_DAYS))), ends_at__gt=start
        )
        .select_related("jurisdiction", "unit")
        .prefetch_related("assignments__user")
        .order_by("jpath", "starts_at")
    )
    if within:
        shifts = shifts.filter(jpath__startswith=within)
    now = clock.now()
    out = []
    for s in shifts:
        people = list(s.assignments.all())
        leader = next((a for a in people if a.role == DutyAssignment.Role.LEADER), None)
        started = s.starts_at <= now < s.ends_at
        out.append(
            ShiftView(
                shift=s,
                leader=leader,
                officers=[a for a in people if a.role == DutyAssignment.Role.OFFICER],
                no_leader=leader is None,
                nobody_in=started and not any(a.checked_in_at for a in people),
            )
        )
    return out


def holidays_ahead() -> list[dict]:
    """The roster templates, each with its next first day when the date is fixed."""
    today = clock.localdate()
    return [{"key": h.key, "label": h.label, "days": h.days, "first": _holiday_first(h, today)} for h in HOLIDAYS]


def duty_rooms(*, user) -> tuple[list[Jurisdiction], list[Unit]]:
    """Where a manager may keep a roster: the jurisdictions within reach above the grids, and the units within
    reach that keep a duty room (departments, clinics, checkpoints, isolation sites)."""
    places = jurisdictions_within(user=user, cap=Cap.DUTY_MANAGE).filter(retired_on__isnull=True)
    kinds: list[str] = [Unit.Kind.DEPARTMENT, Unit.Kind.CLINIC, Unit.Kind.CHECKPOINT, Unit.Kind.ISOLATION]
    units = units_within(user=user, cap=Cap.DUTY_MANAGE, kinds=kinds)
    return (
        list(places.exclude(level=Jurisdiction.Level.GRID).order_by("path")[:500]),
        list(units.order_by("kind", "name")[:500]),
    )


def my_shifts(*, user):
    now = clock.now()
    return (
        DutyAssignment.objects.filter(user=user, ends_at__gt=now - timedelta(days=1))
        .select_related("shift", "shift__jurisdiction", "shift__unit")
        .prefetch_related("shift__log__author")  # the page lists each shift's log: not a query per shift
        .order_by("starts_at")
    )
