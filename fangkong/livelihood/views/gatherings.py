"""Gathering pages: the gatherings in reach (to come first) with the form to register one and the limits in force
(edited by district HQ); a gathering's page with its decision, what today's rules would decide, and cancelling."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap
from fangkong.registry.selectors import jurisdictions_within

from .. import gatherings
from ..models import Gathering


def _list_context(request, **extra) -> dict:
    upcoming = gatherings.gatherings_visible(user=request.user).filter(starts_at__gte=clock.now() - timedelta(days=1))
    page, query = page_of(request, upcoming, size=50)
    for g in page:
        g.now = gatherings.decision_now(g)  # type: ignore[attr-defined]
    return {
        "page": page,
        "query": query,
        "kinds": Gathering.Kind.choices,
        "places": jurisdictions_within(user=request.user, cap=Cap.LIVELIHOOD_WORK).filter(retired_on__isnull=True),
        "limits": [(r, level_label_of(r.level_code)) for r in gatherings.limits_all(user=request.user)],
        "may_edit": gatherings.limits_may_edit(user=request.user),
        "key": uuid.uuid4().hex,
        "form": {},
        **extra,
    }


def level_label_of(code: str) -> str:
    """A rule's zone level as the reader names it (the district's own levels are data)."""
    return gatherings.level_name(code) if code else _("Outside any zone")


@scoped
def gathering_list(request):
    if not has_cap(request.user, Cap.LIVELIHOOD_WORK):
        raise NotFound
    if request.method != "POST":
        return render(request, "livelihood/gatherings.html", _list_context(request))
    action = request.POST.get("action", "")
    try:
        if action == "limit":
            rule = gatherings.gathering_limit_set(
                actor=request.user, **gatherings.GatheringLimitSetInput.from_form(request.POST).dict()
            )
            messages.success(request, _("Limits for %(level)s saved.") % {"level": level_label_of(rule.level_code)})
            return redirect("livelihood:gatherings")
        data = gatherings.GatheringRegisterInput.from_form(request.POST)

        def run() -> tuple[int, dict]:
            g = gatherings.gathering_register(actor=request.user, **data.dict())
            return 201, {"gathering": g.pk}

        _status, body = idempotent(request, "page-gathering", run, key=request.POST.get("key", "")[:64])
    except FieldError as exc:
        context = _list_context(request, error=exc, action=action or "register", form=request.POST)
        return render(request, "livelihood/gatherings.html", context, status=400)
    g = gatherings.gathering_get(user=request.user, gathering_id=body.get("gathering") or 0)
    notify = messages.error if g.state == Gathering.State.REFUSED else messages.success
    shown = {"name": g.name, "state": g.get_state_display(), "reason": g.reason}
    notify(request, _("%(name)s: %(state)s. %(reason)s") % shown)
    return redirect("livelihood:gathering", g.pk)


@scoped
def gathering_detail(request, gathering_id: int):
    g = gatherings.gathering_get(user=request.user, gathering_id=gathering_id)
    error = None
    if request.method == "POST":
        try:
            data = gatherings.GatheringCancelInput.from_form(request.POST)
            gatherings.gathering_cancel(actor=request.user, gathering_id=g.pk, **data.dict())
            messages.success(request, _("The gathering is cancelled."))
            return redirect("livelihood:gathering", g.pk)
        except FieldError as exc:
            error = exc
    return render(
        request,
        "livelihood/gathering.html",
        {"g": g, "now": gatherings.decision_now(g), "level": level_label_of(g.level_code), "error": error},
        status=400 if error else 200,
    )


urlpatterns = [
    path("gatherings/", gathering_list, name="gatherings"),
    path("gatherings/<int:gathering_id>/", gathering_detail, name="gathering"),
]
