"""A volunteer's page for their community: skills and availability, shifts (assigned, cancelled, checked in and
out for a volunteer without a phone), the hours ledger and the certificate."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id

from .. import volunteering
from ..models import Shift, Volunteer


def _context(request, volunteer: Volunteer, **extra) -> dict:
    shifts = list(volunteering.shifts_of(volunteer)[:200])
    now = clock.now()
    for s in shifts:
        s.may_check_in = volunteering.may_check_in(s, now)  # type: ignore[attr-defined]
        s.may_check_out = volunteering.may_check_out(s)  # type: ignore[attr-defined]
    return {
        "volunteer": volunteer,
        "shifts": shifts,
        "ledger": volunteering.ledger_of(volunteer),
        "tasks": Shift.Task.choices,
        "key": uuid.uuid4().hex,  # a double tap assigns one shift
        "form": {},
        **extra,
    }


@scoped
def volunteer(request, volunteer_id: int):
    v = volunteering.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    if request.method != "POST":
        return render(request, "livelihood/volunteer.html", _context(request, v))
    action = request.POST.get("action", "")
    shift_id = param_id(request.POST, "shift") or 0
    try:
        if action == "cancel":
            cancel = volunteering.ShiftCancelInput.from_form(request.POST)
            volunteering.shift_cancel(actor=request.user, shift_id=shift_id, **cancel.dict())
            messages.success(request, _("The shift is cancelled; the volunteer sees why."))
        elif action == "check_in":
            volunteering.shift_check_in(actor=request.user, shift_id=shift_id)
            messages.success(request, _("Checked in for the volunteer."))
        elif action == "check_out":
            out = volunteering.ShiftCheckOutInput.from_form(request.POST)
            s = volunteering.shift_check_out(actor=request.user, shift_id=shift_id, **out.dict())
            messages.success(request, _("Checked out: %(m)d minutes worked.") % {"m": s.worked.total_seconds() // 60})
        else:
            data = volunteering.ShiftAssignInput.from_form(request.POST)

            def run() -> tuple[int, dict]:
                s = volunteering.shift_assign(actor=request.user, volunteer_id=v.pk, **data.dict())
                return 201, {"shift": s.pk}

            idempotent(request, f"page-shift:{v.pk}", run, key=request.POST.get("key", "")[:64])
            start, end = clock.localtime(data.starts_at), clock.localtime(data.ends_at)
            messages.success(
                request,
                _("Shift assigned to %(name)s: %(start)s to %(end)s.")
                % {"name": v.person.name, "start": start, "end": end},
            )
    except FieldError as exc:
        context = _context(request, v, error=exc, action=action or "assign", form=request.POST)
        return render(request, "livelihood/volunteer.html", context, status=400)
    return redirect("livelihood:volunteer", v.pk)


@scoped
def certificate(request, volunteer_id: int):
    v = volunteering.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    return certificate_response(v)


def certificate_response(v: Volunteer) -> HttpResponse:
    """The certificate as a PDF (shared with the volunteer's own download at /me/)."""
    try:
        pdf = volunteering.certificate_pdf(v)
    except OSError:  # WeasyPrint's system libraries (Pango) are missing on this server
        return HttpResponse(_("PDF export needs Pango on the server (apt-get install libpango-1.0-0)."), status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-{v.pk}.pdf"'
    return response


urlpatterns = [
    path("volunteers/<int:volunteer_id>/", volunteer, name="volunteer"),
    path("volunteers/<int:volunteer_id>/certificate/", certificate, name="volunteer_certificate"),
]
