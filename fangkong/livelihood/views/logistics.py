"""Logistics passes: the carrier's public page (apply, then ask how it stands with the reference and the plate) and
the transport department's page (decide, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.ratelimit import RateLimited
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap
from fangkong.core.throttle import public_form_hit

from .. import logistics


def apply(request):
    """The carrier's page (no sign-in): apply for a pass, or look one up by its reference and plate."""
    error, made, found, asked = None, None, None, False
    if request.method == "POST":
        try:
            public_form_hit(request, "logistics")
            made = logistics.logistics_pass_apply(**logistics.LogisticsPassApplyInput.from_form(request.POST).dict())
        except FieldError as exc:
            error = exc
        except RateLimited:
            error = FieldError(
                "plate", _("Too many applications from here; try again in a minute."), code=Code.RATE_LIMITED
            )
    elif request.GET.get("reference"):
        asked = True
        try:
            public_form_hit(request, "logistics-status")
            found = logistics.logistics_pass_status(
                reference=request.GET["reference"], plate=request.GET.get("plate", "")
            )
        except (NotFound, RateLimited):
            found = None
    return render(
        request,
        "livelihood/resident/logistics_pass.html",
        {
            "error": error,
            "made": made,
            "found": found,
            "asked": asked,
            "form": request.POST if error else {},
            "route_choices": logistics.route_choices(),
        },
        status=400 if error else 200,
    )


@scoped
def passes(request):
    """The transport department's list: applications to decide first, then the passes decided."""
    if not has_cap(request.user, Cap.LOGISTICS_APPROVE):
        raise NotFound
    if request.method == "POST":
        pass_id = param_id(request.POST, "pass") or 0
        try:
            if request.POST.get("action") == "revoke":
                data = logistics.LogisticsPassRevokeInput.from_form(request.POST)
                p = logistics.logistics_pass_revoke(actor=request.user, pass_id=pass_id, **data.dict())
            else:
                decision = logistics.LogisticsPassDecideInput.from_form(request.POST)
                p = logistics.logistics_pass_decide(actor=request.user, pass_id=pass_id, **decision.dict())
            messages.success(request, _("%(plate)s: %(state)s.") % {"plate": p.plate, "state": p.get_state_display()})
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("livelihood:logistics")
    page, query = page_of(request, logistics.passes_visible(user=request.user), size=50)
    names = logistics.route_names(list(page))
    for p in page:
        p.through_names = "、".join(names.get(i, "") for i in p.through)  # type: ignore[attr-defined]
    return render(request, "livelihood/logistics.html", {"page": page, "query": query})


urlpatterns = [path("logistics/", passes, name="logistics")]
