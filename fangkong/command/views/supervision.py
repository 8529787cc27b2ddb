"""Supervision: findings, proposed outcomes decided by another, a unit's record."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.approvals import OwnRequest
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
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
                finding = supervision.FindingRecordInput.from_form(request.POST)
                supervision.finding_record(actor=request.user, **finding.dict())
            elif action == "propose":
                proposal = supervision.OutcomeProposeInput.from_form(request.POST)
                supervision.outcome_propose(
                    actor=request.user, finding_id=param_id(request.POST, "finding") or 0, **proposal.dict()
                )
            elif action in ("approve", "reject"):
                decision = supervision.OutcomeDecideInput.from_form(request.POST)
                supervision.outcome_decide(
                    actor=request.user, outcome_id=param_id(request.POST, "outcome") or 0, **decision.dict()
                )
            messages.success(request, _("Saved."))
            return redirect("command:supervision")
        except OwnRequest as exc:
            error = FieldError(exc.field, exc.message, code=exc.code)
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
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
