"""Work-safety pages: hazards (list with statistics, record one, work it through its steps)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.scoping import Forbidden, NotFound

from . import hazards
from .models import Hazard


@scoped
def hazard_list(request):
    enterprises = hazards.enterprises_visible(user=request.user)
    if not enterprises.exists():
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            h = hazards.hazard_create(
                actor=request.user,
                enterprise_id=int(request.POST.get("enterprise") or 0),
                grade=request.POST.get("grade", ""),
                description=request.POST.get("description", ""),
                deadline=parse_moment("deadline", request.POST.get("deadline"), end=True),
            )
            return redirect("safety:hazard", h.pk)
        except FieldError as exc:
            error = exc
    qs = hazards.hazards_visible(user=request.user)
    state = request.GET.get("state", "")
    page, query = page_of(request, (qs.filter(state=state) if state else qs).order_by("-found_at"))
    stats = {(r["state"], r["grade"]): r["n"] for r in qs.values("state", "grade").annotate(n=Count("id"))}
    return render(
        request,
        "safety/hazards.html",
        {
            "page": page,
            "query": query,
            "rows": [(h, hazards.flags(h)) for h in page],
            "stats": [
                (label, stats.get((value, "general"), 0), stats.get((value, "major"), 0))
                for value, label in Hazard.State.choices
            ],
            "states": Hazard.State.choices,
            "state": state,
            "enterprises": enterprises[:500],
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def hazard_detail(request, hazard_id: int):
    hazard = hazards.hazards_visible(user=request.user).filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            assurances = {a: request.POST.get(a, "") for a in hazards.ASSURANCES if request.POST.get(a, "").strip()}
            hazards.hazard_transition(
                actor=request.user,
                hazard_id=hazard.pk,
                to=request.POST.get("to", ""),
                note=request.POST.get("note", ""),
                assurances=assurances or None,
            )
            messages.success(request, _("Saved."))
            return redirect("safety:hazard", hazard.pk)
        except Forbidden as exc:
            error = FieldError("to", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    nexts = [to for to, (froms, _who) in hazards.MOVES.items() if hazard.state in froms]
    return render(
        request,
        "safety/hazard.html",
        {
            "hazard": hazard,
            "flags": hazards.flags(hazard),
            "steps": hazard.steps.select_related("by").order_by("at", "pk"),
            "nexts": [(to, Hazard.State(to).label) for to in nexts],
            "assurance_fields": hazards.ASSURANCES,
            "error": error,
        },
        status=400 if error else 200,
    )
