"""Work-safety pages: hazards (list with statistics, record one, work it through its steps), the regulator's desk,
statistics and accidents. Each form and button is offered only to whom its service would accept it from (the
services' own `can_…` checks)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound
from fangkong.registry.selectors import narrowed

from . import hazards, selectors
from .labels import ASSURANCE_CHOICES
from .models import Hazard


@scoped
def hazard_list(request):
    from .escalation import escalate_hazards

    if not selectors.enterprises_visible(user=request.user).exists():
        raise NotFound
    escalate_hazards()  # cheap when nothing is new (a partial index); cron does it too
    error = None
    if request.method == "POST":
        try:
            data = hazards.HazardCreateInput.from_form(request.POST)
            h = hazards.hazard_create(actor=request.user, **data.dict())
            return redirect("safety:hazard", h.pk)
        except FieldError as exc:
            error = exc
    qs = selectors.hazards_visible(user=request.user)
    qs, within = narrowed(qs, user=request.user, cap=Cap.SAFETY_VIEW, params=request.GET)
    state = request.GET.get("state", "")
    shown = hazards.hazards_in_state(qs, state)
    if (grade := request.GET.get("grade", "")) in Hazard.Grade.values:
        shown = shown.filter(grade=grade)  # the hall's "open major hazards"
    page, query = page_of(request, shown.order_by("-found_at", "-id"))
    stats = {(r["state"], r["grade"]): r["n"] for r in qs.values("state", "grade").annotate(n=Count("id"))}
    return render(
        request,
        "safety/hazards.html",
        {
            "page": page,
            "query": query,
            "rows": [(h, hazards.flags(h)) for h in page],
            "within": within,
            "stats": [
                (label, stats.get((value, "general"), 0), stats.get((value, "major"), 0))
                for value, label in Hazard.State.choices
            ],
            "states": [
                ("open", _("Open (not closed)")),
                ("overdue", _("Rectification overdue")),
                ("lacking", _("Major hazards without their five assurances")),
                *Hazard.State.choices,
            ],
            "state": state,
            "grades": Hazard.Grade.choices,
            "grade": grade,
            # The enterprises the user may record a hazard at (hazard_create's role_of): none, no form.
            "enterprises": selectors.enterprises_acted_for(user=request.user)[:500],
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def hazard_detail(request, hazard_id: int):
    hazard = selectors.hazards_visible(user=request.user).filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            data = hazards.HazardTransitionInput.from_form(request.POST)
            hazards.hazard_transition(actor=request.user, hazard_id=hazard.pk, **data.dict())
            messages.success(request, _("Saved."))
            return redirect("safety:hazard", hazard.pk)
        except Forbidden as exc:
            error = FieldError("to", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    nexts = hazards.transitions_for(request.user, hazard)
    # The five assurances go with a major hazard's start of rectification after the order, to whoever starts it.
    asks_assurances = hazard.grade == Hazard.Grade.MAJOR and hazard.state == Hazard.State.ORDERED
    return render(
        request,
        "safety/hazard.html",
        {
            "hazard": hazard,
            "flags": hazards.flags(hazard),
            "steps": hazard.steps.select_related("by").order_by("at", "pk"),
            "nexts": [(to, Hazard.State(to).label) for to in nexts],
            "assurances": [(key, label, hazard.assurances.get(key, "")) for key, label in ASSURANCE_CHOICES],
            # Their fields, to whoever may start the rectification: what was typed before a refusal, or recorded.
            "assurance_fields": [
                (key, label, (error and request.POST.get(key)) or hazard.assurances.get(key, ""))
                for key, label in ASSURANCE_CHOICES
            ]
            if asks_assurances and Hazard.State.RECTIFYING in nexts
            else [],
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def review_queue(request):
    """The regulator's desk: applications for acceptance waiting for re-inspection (the 10-day limit counted
    down), major hazards still without their five assurances, public reports not yet verified, and the overdue."""
    from .escalation import escalate_hazards
    from .statistics import review_desk

    if not selectors.enterprises_visible(user=request.user).exists():
        raise NotFound
    escalate_hazards()  # cheap when nothing is new (a partial index); cron does it too
    return render(request, "safety/review.html", review_desk(user=request.user))


@scoped
def statistics_page(request):
    from .statistics import hazard_statistics

    if not selectors.enterprises_visible(user=request.user).exists():
        raise NotFound
    s = hazard_statistics(user=request.user)
    states, grades = dict(Hazard.State.choices), dict(Hazard.Grade.choices)
    by_grade_state = [(grades.get(r["grade"]), states.get(r["state"]), r["n"]) for r in s["by_grade_state"]]
    return render(request, "safety/statistics.html", {"s": s, "by_grade_state": by_grade_state})


@scoped
def statistics_xlsx(request):
    from fangkong.core.xlsx import xlsx_response

    from . import statistics

    return xlsx_response("hazard-statistics.xlsx", statistics.statistics_xlsx(user=request.user))


@scoped
def overdue_csv(request):
    from fangkong.core.xlsx import csv_response

    from . import statistics

    return csv_response("overdue-hazards.csv", statistics.overdue_csv(user=request.user))


@scoped
def accident_list(request):
    """Accidents in reach, and the initial report form (the enterprise, or a regulator on the spot)."""
    from .accidents import AccidentReportInput, accident_report, accidents_visible
    from .models import Accident

    if not selectors.enterprises_visible(user=request.user).exists():
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            data = AccidentReportInput.from_form(request.POST)
            a = accident_report(actor=request.user, **data.dict())
            messages.success(request, _("Reported. The regulator and district HQ have been told."))
            return redirect("safety:accident", a.pk)
        except Forbidden as exc:
            error = FieldError("enterprise_id", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    listed = accidents_visible(user=request.user)
    # A hall's street or community
    listed, within = narrowed(listed, user=request.user, cap=Cap.SAFETY_VIEW, params=request.GET)
    page, query = page_of(request, listed)
    return render(
        request,
        "safety/accidents.html",
        {
            "page": page,
            "query": query,
            "within": within,
            # Where the user may report an accident (accidents.can_report_accident): none, no form.
            "enterprises": selectors.enterprises_acted_for(user=request.user)[:500],
            "kinds": Accident.Kind.choices,
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def accident_detail(request, accident_id: int):
    from fangkong.incidents import services as incidents

    from .accidents import AccidentFollowupInput, accident_followup, accidents_visible, can_report_accident

    accident = accidents_visible(user=request.user).filter(pk=accident_id).first()
    if accident is None:
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            data = AccidentFollowupInput.from_form(request.POST)
            accident_followup(actor=request.user, accident_id=accident.pk, **data.dict())
            messages.success(request, _("Sent."))
            return redirect("safety:accident", accident.pk)
        except Forbidden as exc:
            error = FieldError("text", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    incident = accident.incident
    return render(
        request,
        "safety/accident.html",
        {
            "accident": accident,
            "incident": incident,
            "reports": incident.reports.select_related("author").order_by("at", "pk"),
            "due": incidents.next_due(incident),
            "late_initial": incidents.initial_late_minutes(incident),
            "may_report": can_report_accident(request.user, accident.enterprise) and not incident.closed_at,
            "error": error,
        },
        status=400 if error else 200,
    )
