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


@scoped
def inspection_new(request):
    """Start an inspection: an enterprise and a checklist (the 15 measures by default)."""
    from .checklists import ensure_state_council_15
    from .inspections import inspection_start
    from .models import Checklist

    ensure_state_council_15()
    if request.method == "POST":
        try:
            i = inspection_start(
                actor=request.user,
                enterprise_id=int(request.POST.get("enterprise") or 0),
                checklist_id=int(request.POST.get("checklist") or 0),
            )
            return redirect("safety:inspection", i.pk)
        except FieldError as exc:
            messages.error(request, exc.message)
    enterprises = hazards.enterprises_visible(user=request.user)[:500]
    latest = {}
    for c in Checklist.objects.order_by("code", "-version"):
        latest.setdefault(c.code, c)
    return render(request, "safety/inspection_new.html", {"enterprises": enterprises, "checklists": latest.values()})


@scoped
def inspection_walk(request, inspection_id: int):
    """Walk the checklist on a phone: each item passed or not (a note, a photo), then sign."""
    from .inspections import inspection_record, inspection_sign
    from .models import Inspection

    inspection = (
        Inspection.objects.select_related("enterprise", "checklist")
        .filter(pk=inspection_id, enterprise__in=hazards.enterprises_visible(user=request.user))
        .first()
    )
    if inspection is None:
        raise NotFound
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "sign":
                inspection_sign(actor=request.user, inspection_id=inspection.pk)
                messages.success(request, _("Signed. Failed items are registered as hazards."))
            else:
                for item in inspection.checklist.items.all():
                    verdict = request.POST.get(f"item-{item.pk}")
                    if verdict in ("pass", "fail"):
                        inspection_record(
                            actor=request.user,
                            inspection_id=inspection.pk,
                            item_id=item.pk,
                            passed=verdict == "pass",
                            note=request.POST.get(f"note-{item.pk}", ""),
                            photo=request.FILES.get(f"photo-{item.pk}"),
                        )
                messages.success(request, _("Saved."))
            return redirect("safety:inspection", inspection.pk)
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    results = {r.item_id: r for r in inspection.results.all()}
    return render(
        request,
        "safety/inspection.html",
        {
            "inspection": inspection,
            "rows": [(item, results.get(item.pk)) for item in inspection.checklist.items.all()],
            "complete": len(results) == inspection.checklist.items.count(),
            "error": error,
        },
        status=400 if error else 200,
    )
