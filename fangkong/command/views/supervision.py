"""Supervision: findings, proposed outcomes decided by another, a unit's record."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap


@scoped
def supervision_page(request):
    """Findings (record one; propose an outcome; decide another's proposal) and a unit's record."""
    from .. import supervision
    from ..models import Finding, Outcome

    if not (has_cap(request.user, Cap.SUPERVISE)):
        raise Forbidden(Cap.SUPERVISE)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "finding":
                supervision.finding_record(
                    actor=request.user,
                    target_kind=request.POST.get("target_kind", ""),
                    target_id=param_id(request.POST, "target_id") or 0,
                    text=request.POST.get("text", ""),
                )
            elif action == "propose":
                supervision.outcome_propose(
                    actor=request.user,
                    finding_id=param_id(request.POST, "finding") or 0,
                    kind=request.POST.get("kind", ""),
                    note=request.POST.get("note", ""),
                )
            elif action in ("approve", "reject"):
                supervision.outcome_decide(
                    actor=request.user,
                    outcome_id=param_id(request.POST, "outcome") or 0,
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                )
            messages.success(request, _("Saved."))
            return redirect("command:supervision")
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."))
        except FieldError as exc:
            error = exc
    record = None
    unit_id, jurisdiction_id = param_id(request.GET, "unit"), param_id(request.GET, "jurisdiction")
    if unit_id or jurisdiction_id:
        record = supervision.unit_record(user=request.user, unit_id=unit_id, jurisdiction_id=jurisdiction_id)
    page, query = page_of(request, supervision.findings_visible(user=request.user))
    return render(
        request,
        "command/supervision.html",
        {
            "page": page,
            "query": query,
            "targets": Finding.Target.choices,
            "kinds": Outcome.Kind.choices,
            "record": record,
            "error": error,
        },
        status=400 if error else 200,
    )
