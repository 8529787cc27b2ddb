"""The co-presence page of a case: the query with its purpose, the candidates, and each one's review."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_int

from .. import copresence


@scoped
def case_copresence(request, case_id: int):
    """GET without a purpose shows the form (nothing is read); with one, the candidates — the query audited. A POST
    reviews one candidate (confirm as a contact, or dismiss with the reason) and comes back to the same list."""
    error, found, window, case = None, None, None, None
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "dismiss":
                dismiss = copresence.CopresenceDismissInput.from_form(request.POST)
                copresence.copresence_dismiss(actor=request.user, case_id=case_id, **dismiss.dict())
                messages.success(request, _("Candidate dismissed; the reason is on the list."))
            else:
                confirm = copresence.CopresenceConfirmInput.from_form(request.POST)
                contact = copresence.copresence_confirm(actor=request.user, case_id=case_id, **confirm.dict())
                messages.success(
                    request,
                    _("Confirmed as a %(kind)s: their community follows them up from now (tests on days %(days)s).")
                    % {"kind": contact.get_kind_display(), "days": "、".join(str(d) for d in contact.test_days)},
                )
        except FieldError as exc:
            messages.error(request, exc.message)
        query = {k: request.POST.get(k, "") for k in ("purpose", "days_before", "minutes")}
        return redirect(f"{request.path}?{urlencode(query)}")
    if "purpose" in request.GET:
        try:
            case, window, found = copresence.copresence_candidates(
                actor=request.user,
                case_id=case_id,
                purpose=request.GET.get("purpose", ""),
                days_before=param_int(request.GET, "days_before", copresence.DAYS_BEFORE) or 0,
                minutes=param_int(request.GET, "minutes", copresence.MINUTES) or 0,
            )
        except FieldError as exc:
            error = exc
    if case is None:
        case = copresence.case_for_tracer(request.user, case_id)
    return render(
        request,
        "containment/copresence.html",
        {
            "case": case,
            "window": window,
            "candidates": found,
            "error": error,
            "query": request.GET,
            "defaults": {"days_before": copresence.DAYS_BEFORE, "minutes": copresence.MINUTES},
        },
        status=400 if error else 200,
    )
