"""The community's page: supply requests and volunteers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap
from fangkong.registry.selectors import jurisdiction_asked

from .. import selectors, services
from ..models import SupplyRequest


@scoped
def community(request):
    if not has_cap(request.user, Cap.LIVELIHOOD_WORK):
        raise NotFound
    if request.method == "POST":
        try:
            if request.POST.get("volunteer"):
                decision = services.VolunteerDecideInput.from_form(request.POST)
                services.volunteer_decide(
                    actor=request.user, volunteer_id=param_id(request.POST, "volunteer") or 0, **decision.dict()
                )
            else:
                move = services.SupplyRequestMoveInput.from_form(request.POST)
                services.supply_request_move(
                    actor=request.user, request_id=param_id(request.POST, "request") or 0, **move.dict()
                )
            messages.success(request, _("Saved."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())  # the page as it was, narrowed to a jurisdiction or not
    open_states = [SupplyRequest.State.RECEIVED, SupplyRequest.State.ACCEPTED]
    requests = selectors.supply_requests_visible(user=request.user).filter(state__in=open_states)
    within = jurisdiction_asked(user=request.user, cap=Cap.LIVELIHOOD_WORK, params=request.GET)
    volunteers = selectors.volunteers_visible(user=request.user)
    if within:  # a hall's street or community
        requests = requests.filter(jpath__startswith=within.path)
        volunteers = volunteers.filter(jpath__startswith=within.path)
    return render(
        request,
        "livelihood/community.html",
        {
            "requests": requests[:300],
            "within": within,
            "volunteers": volunteers[:300],
        },
    )
