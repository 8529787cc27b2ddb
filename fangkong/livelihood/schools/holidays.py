"""Schools' staggered holiday plans: a school's staff plan each grade's holiday (how many students, which days), HQ
may plan for any school; whoever oversees the school's area reads them; the district sees the departures per day —
the days its students travel — so that it can spread them. Students' trips themselves are screening's travel
reports, acknowledged by the school (its staff hold the same capability as an employer's HR)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, one_in_reach, scope_for, unit_ids_for
from fangkong.registry.models import Unit

from ..models import SchoolHoliday

# More students leaving on one day than this is a peak to spread (the district's buses and checkpoints).
PEAK = 1000


class SchoolHolidayCreateInput(FormInput):
    school_id: int
    grade: str
    students: int
    leaves_on: date
    returns_on: date
    note: str = ""


class SchoolHolidayCancelInput(FormInput):
    note: str = ""


def schools_planned_by(*, user) -> QuerySet[Unit]:
    """The schools the user plans for: their own (a school's staff), every school (HQ: SCHOOL_PLAN over the
    district)."""
    scope = scope_for(user, Cap.SCHOOL_PLAN)
    where = Q(pk__in=unit_ids_for(user, Cap.SCHOOL_PLAN))
    if not scope.empty:
        where |= scope.q("jpath")
    return Unit.objects.filter(where, kind=Unit.Kind.SCHOOL).order_by("jpath", "name")


def holidays_visible(*, user) -> QuerySet[SchoolHoliday]:
    """Plans of the user's own schools, and of every school in the area the user works (livelihood work)."""
    where = Q(school_id__in=unit_ids_for(user, Cap.SCHOOL_PLAN))
    for cap in (Cap.SCHOOL_PLAN, Cap.LIVELIHOOD_WORK):
        scope = scope_for(user, cap)
        if not scope.empty:
            where |= scope.q("jpath")
    return SchoolHoliday.objects.filter(where, cancelled_at__isnull=True).select_related("school")


def holiday_get(*, user, holiday_id: int, for_update: bool = False) -> SchoolHoliday:
    return one_in_reach(holidays_visible(user=user), holiday_id, for_update=for_update)


@transaction.atomic
def school_holiday_create(
    *, actor, school_id: int, grade: str, students: int, leaves_on: date, returns_on: date, note: str = ""
) -> SchoolHoliday:
    """One grade's holiday at a school the actor plans for; a grade has one plan (cancel it to plan anew)."""
    schools = schools_planned_by(user=actor)
    if not schools.exists():
        raise Forbidden(Cap.SCHOOL_PLAN)
    school = schools.filter(pk=school_id).first()
    if school is None:
        raise FieldError("school_id", _("Choose one of your schools."), code=Code.NOT_FOUND)
    grade = " ".join((grade or "").split())
    if not grade:
        raise FieldError("grade", _("This field is required."), code=Code.REQUIRED)
    if len(grade) > 30:
        raise FieldError("grade", _("At most %(n)d characters.") % {"n": 30}, code=Code.TOO_LONG)
    if not 1 <= students <= 20000:
        raise FieldError("students", _("Between 1 and 20,000 students."), code=Code.OUT_OF_RANGE)
    if leaves_on < clock.localdate():
        raise FieldError("leaves_on", _("A holiday is planned before it starts."), code=Code.OUT_OF_RANGE)
    if returns_on <= leaves_on:
        raise FieldError(
            "returns_on", _("The students come back after the holiday starts."), code=Code.END_BEFORE_START
        )
    if returns_on - leaves_on > timedelta(days=90):
        raise FieldError("returns_on", _("At most 90 days."), code=Code.OUT_OF_RANGE)
    note = " ".join((note or "").split())[:200]
    try:
        with transaction.atomic():
            plan = SchoolHoliday.objects.create(
                school=school, grade=grade, students=students, leaves_on=leaves_on, returns_on=returns_on,
                note=note, jpath=school.jpath, created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise FieldError("grade", _("This grade has a plan already; cancel it first."), code=Code.DUPLICATE) from exc
    audit_record(
        actor=actor,
        action="livelihood.school_holiday_create",
        obj=plan,
        object_repr=f"{school.name} {grade}",
        jpath=plan.jpath,
        fields={"students": students, "leaves_on": leaves_on.isoformat()},
    )
    return plan


@transaction.atomic
def school_holiday_cancel(*, actor, holiday_id: int, note: str = "") -> SchoolHoliday:
    plan = holiday_get(user=actor, holiday_id=holiday_id, for_update=True)
    if not schools_planned_by(user=actor).filter(pk=plan.school_id).exists():
        raise Forbidden(Cap.SCHOOL_PLAN)  # an overseer reads the plan; the school (or HQ) changes it
    plan.cancelled_at = clock.now()
    plan.save(update_fields=["cancelled_at"])
    audit_record(actor=actor, action="livelihood.school_holiday_cancel", obj=plan, jpath=plan.jpath)
    return plan


@dataclass(frozen=True)
class Departures:
    day: date
    students: int
    schools: int

    @property
    def peak(self) -> bool:
        return self.students > PEAK


def departures(plans: list[SchoolHoliday]) -> list[Departures]:
    """Students leaving per day, the days in order: the peaks are what staggering spreads."""
    students: dict[date, int] = defaultdict(int)
    schools: dict[date, set[int]] = defaultdict(set)
    for p in plans:
        students[p.leaves_on] += p.students
        schools[p.leaves_on].add(p.school_id)
    return [Departures(d, students[d], len(schools[d])) for d in sorted(students)]
