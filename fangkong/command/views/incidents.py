"""Incident fast reports on the duty desk, and a responsibility chain."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import jurisdictions_within, narrowed


@scoped
def incident_list(request):
    from fangkong.incidents import services as incidents
    from fangkong.incidents.models import IncidentLevel

    if not has_cap(request.user, Cap.TASK_WORK):
        raise Forbidden(Cap.TASK_WORK)
    error = None
    if request.method == "POST":
        try:
            data = incidents.IncidentReportInitialInput.from_form(request.POST)
            incident = incidents.incident_report_initial(actor=request.user, **data.dict())
            return redirect("command:incident", incident.pk)
        except FieldError as exc:
            error = exc
    visible = incidents.incidents_visible(user=request.user)
    # A hall's street or community
    visible, within = narrowed(visible, user=request.user, cap=Cap.TASK_WORK, params=request.GET)
    listed = visible.prefetch_related("reports")[:100]  # next_due reads them
    rows = [(i, incidents.next_due(i)) for i in listed]
    return render(
        request,
        "command/incidents.html",
        {
            "rows": rows,
            "levels": IncidentLevel.objects.all(),
            "places": jurisdictions_within(user=request.user, cap=Cap.TASK_WORK).order_by("path")[:500],
            "error": error,
            "within": within,
        },
        status=400 if error else 200,
    )


@scoped
def incident_detail(request, incident_id: int):
    from fangkong.incidents import services as incidents

    incident = incidents.incidents_visible(user=request.user).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            report = incidents.IncidentReportAddInput.from_form(request.POST)
            incidents.incident_report_add(actor=request.user, incident_id=incident.pk, **report.dict())
            return redirect("command:incident", incident.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "command/incident.html",
        {
            "incident": incident,
            "reports": incident.reports.select_related("author").order_by("at"),
            "due": incidents.next_due(incident),
            "late_initial": incidents.initial_late_minutes(incident),
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def chain_page(request):
    """The responsibility chain of a task, a zone, a checkpoint or an enterprise; without one named (the page's own
    address), a form to name it; a kind or a number that cannot be read, the form again with what is wrong (400)."""
    from fangkong.core.errors import Code

    from ..chain import Traced, chain

    if not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.TASK_OVERSEE)
    kind, object_id = request.GET.get("kind", "").strip(), param_id(request.GET, "id")
    levels, error = None, None
    if kind or "id" in request.GET:
        try:
            if kind not in Traced.values and kind != "unit":
                raise FieldError(
                    "kind",
                    _("A task, a zone, a checkpoint or an enterprise."),
                    code=Code.UNKNOWN_CHOICE,
                )
            if object_id is None:
                raise FieldError(
                    "id", _("Give the number of the task, zone, checkpoint or enterprise."), code=Code.REQUIRED
                )
            levels = chain(user=request.user, kind=kind, object_id=object_id)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "command/chain.html",
        {"levels": levels, "kinds": Traced.choices, "kind": kind, "object_id": object_id, "error": error},
        status=400 if error else 200,
    )
