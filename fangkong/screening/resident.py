"""Screening's page for a signed-in resident: 离盘报备, reporting one's own trip before leaving the city (the
community and the employer see it as any other)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.dates import parse_day
from fangkong.core.errors import FieldError
from fangkong.residents.session import my_people, person_choice, resident_required

from .selectors import travel_reports_of
from .travel import travel_report_self


@resident_required
def travel(request, people: list[int]):
    error = None
    if request.method == "POST":
        try:
            travel_report_self(
                person_ids=people,
                person_id=person_choice(request, people),
                destination=request.POST.get("destination", ""),
                depart_on=parse_day("depart_on", request.POST.get("depart_on")),
                return_on=parse_day("return_on", request.POST.get("return_on")),
                reason=request.POST.get("reason", ""),
                transport=request.POST.get("transport", ""),
            )
            messages.success(request, _("Reported. Your community has it; report again if your plans change."))
            return redirect("me:travel")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "screening/resident/travel.html",
        {
            "people": my_people(people),
            "reports": travel_reports_of(person_ids=people),
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )
