"""Schools' holiday plans: a school plans its grades' holidays; the district sees its students' departures per
day, the peaks to spread."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from .. import schools


def _context(request, **extra) -> dict:
    plans = list(schools.holidays_visible(user=request.user)[:2000])
    return {
        "plans": plans,
        "departures": schools.departures(plans),
        "peak": schools.PEAK,
        "mine": schools.schools_planned_by(user=request.user)[:500],
        "form": {},
        **extra,
    }


@scoped
def holidays(request):
    if not (has_cap(request.user, Cap.SCHOOL_PLAN) or has_cap(request.user, Cap.LIVELIHOOD_WORK)):
        raise NotFound
    if request.method != "POST":
        return render(request, "livelihood/schools.html", _context(request))
    try:
        if request.POST.get("action") == "cancel":
            data = schools.SchoolHolidayCancelInput.from_form(request.POST)
            schools.school_holiday_cancel(
                actor=request.user, holiday_id=param_id(request.POST, "holiday") or 0, **data.dict()
            )
            messages.success(request, _("The plan is cancelled."))
        else:
            plan = schools.school_holiday_create(
                actor=request.user, **schools.SchoolHolidayCreateInput.from_form(request.POST).dict()
            )
            messages.success(
                request,
                _("%(school)s %(grade)s: %(n)d students on holiday from %(day)s.")
                % {"school": plan.school.name, "grade": plan.grade, "n": plan.students, "day": plan.leaves_on},
            )
    except FieldError as exc:
        context = _context(request, error=exc, form=request.POST)
        return render(request, "livelihood/schools.html", context, status=400)
    return redirect("livelihood:schools")


urlpatterns = [path("schools/", holidays, name="schools")]
