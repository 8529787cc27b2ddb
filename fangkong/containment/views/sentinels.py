"""Clinics and pharmacies: the sentinel report form and the community's alerts."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import narrowed

from .. import selectors


@scoped
def sentinel_form(request):
    """A clinic's or pharmacy's report form (phone-first)."""
    from ..models import SentinelReport
    from ..sentinels import SentinelReportInput, sentinel_report

    if not selectors.reporting_units(user=request.user):
        raise Forbidden(Cap.SENTINEL_REPORT)
    error = None
    if request.method == "POST":
        try:
            data = SentinelReportInput.from_form(request.POST)
            sentinel_report(
                actor=request.user,
                kind=data.kind,
                who=data.who,
                temperature=data.temperature,
                symptoms=data.symptoms,
                drugs=data.drugs,
                unit_id=data.unit_id,
            )
            # The same message whoever the person is: an alert is the community's business (see sentinel_report).
            messages.success(request, _("Reported."))
            return redirect("containment:sentinel")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "containment/sentinel.html",
        {
            "kinds": SentinelReport.Kind.choices,
            "drugs": SentinelReport.Drug.choices,
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def alert_list(request):
    """Sentinel alerts about people of one's jurisdiction: contact them, test, arrange a transfer."""
    from ..sentinels import alert_handle, alerts_visible

    if not has_cap(request.user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    if request.method == "POST":
        try:
            note = NoteInput.from_form(request.POST).note
            alert_handle(actor=request.user, alert_id=param_id(request.POST, "alert") or 0, note=note)
            messages.success(request, _("Alert handled."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())  # the list as it was, narrowed to a jurisdiction or not
    qs = alerts_visible(user=request.user)
    qs, within = narrowed(qs, user=request.user, cap=Cap.STATUS_VIEW, params=request.GET)
    page, query = page_of(request, qs)
    return render(request, "containment/alerts.html", {"page": page, "query": query, "within": within})
