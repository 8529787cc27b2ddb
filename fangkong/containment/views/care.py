"""Transfers to isolation, and a hospital's inpatient register."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import narrowed

from .. import selectors


@scoped
def transfer_list(request):
    """Transfers under way (with the late ones flagged), the sites' beds, and the next step for each."""
    from .. import transfers

    if not (has_cap(request.user, Cap.CASE_WORK) or has_cap(request.user, Cap.TRANSFER_WORK)):
        raise Forbidden(Cap.CASE_WORK)
    if request.method == "POST":
        try:
            data = transfers.TransferStepInput.from_form(request.POST)
            transfers.transfer_step(
                actor=request.user, transfer_id=param_id(request.POST, "transfer") or 0, **data.dict()
            )
            messages.success(request, _("Step recorded."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())  # the list as it was, narrowed to a jurisdiction or not
    shown = transfers.transfers_visible(user=request.user)
    # The people of a hall's street or community
    shown, within = narrowed(shown, user=request.user, cap=Cap.STATUS_VIEW, params=request.GET)
    rows = [(t, transfers.due_step(t)) for t in shown.exclude(state__in=["released", "cancelled"])[:200]]
    return render(
        request,
        "containment/transfers.html",
        {"rows": rows, "sites": transfers.sites_with_occupancy(), "within": within},
    )


@scoped
def inpatients(request):
    """A hospital's inpatient register with each patient's escort (one at a time)."""
    from ..sentinels import InpatientAdmitInput, Who, escort_add, inpatient_admit, inpatient_discharge

    if not selectors.reporting_units(user=request.user):
        raise Forbidden(Cap.SENTINEL_REPORT)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "admit":
                admit = InpatientAdmitInput.from_form(request.POST)
                inpatient_admit(
                    actor=request.user, who=admit.who, ward=admit.ward, bed=admit.bed, unit_id=admit.unit_id
                )
            elif action == "escort":
                who = Who.from_form(request.POST)
                escort_add(actor=request.user, inpatient_id=param_id(request.POST, "inpatient") or 0, who=who)
            elif action == "discharge":
                inpatient_discharge(actor=request.user, inpatient_id=param_id(request.POST, "inpatient") or 0)
            messages.success(request, _("Saved."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("containment:inpatients")
    return render(request, "containment/inpatients.html", {"patients": selectors.inpatients_current(user=request.user)})
