"""Schools' staggered holiday plans: a school's plans per grade, the departures per day across the schools in
reach."""

from __future__ import annotations

from datetime import date

from ninja import Schema, Status

from .. import schools
from ..models import SchoolHoliday
from . import ERRORS, router


class SchoolHolidayOut(Schema):
    id: int
    school_id: int
    school: str
    grade: str
    students: int
    leaves_on: date
    returns_on: date
    note: str


class SchoolDepartureOut(Schema):
    day: date
    students: int
    schools: int
    peak: bool  # more students leaving that day than the district's buses and checkpoints take at once


class SchoolHolidayPage(Schema):
    items: list[SchoolHolidayOut]
    departures: list[SchoolDepartureOut]


def _holiday(h: SchoolHoliday) -> dict:
    return {
        "id": h.pk,
        "school_id": h.school_id,
        "school": h.school.name,
        "grade": h.grade,
        "students": h.students,
        "leaves_on": h.leaves_on,
        "returns_on": h.returns_on,
        "note": h.note,
    }


@router.get("/school-holidays", response={200: SchoolHolidayPage, **ERRORS})
def school_holiday_list(request):
    plans = list(schools.holidays_visible(user=request.user)[:2000])
    return {
        "items": [_holiday(h) for h in plans],
        "departures": [{**d.__dict__, "peak": d.peak} for d in schools.departures(plans)],
    }


@router.post("/school-holidays", response={201: SchoolHolidayOut, **ERRORS})
def school_holiday_create(request, payload: schools.SchoolHolidayCreateInput):
    return Status(201, _holiday(schools.school_holiday_create(actor=request.user, **payload.dict())))


@router.post("/school-holidays/{int:holiday_id}/cancel", response={200: SchoolHolidayOut, **ERRORS})
def school_holiday_cancel(request, holiday_id: int, payload: schools.SchoolHolidayCancelInput):
    return _holiday(schools.school_holiday_cancel(actor=request.user, holiday_id=holiday_id, **payload.dict()))
