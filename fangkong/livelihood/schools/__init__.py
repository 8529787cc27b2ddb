"""Schools (issue 20, point 8): staggered holiday plans per school and grade, the district's departures per day;
students' trips are screening's travel reports with the school acknowledging (the `school_staff` role)."""

from __future__ import annotations

from .holidays import (
    PEAK,
    Departures,
    SchoolHolidayCancelInput,
    SchoolHolidayCreateInput,
    departures,
    holiday_get,
    holidays_visible,
    school_holiday_cancel,
    school_holiday_create,
    schools_planned_by,
)

__all__ = [
    "PEAK",
    "Departures",
    "SchoolHolidayCancelInput",
    "SchoolHolidayCreateInput",
    "departures",
    "holiday_get",
    "holidays_visible",
    "school_holiday_cancel",
    "school_holiday_create",
    "schools_planned_by",
]
