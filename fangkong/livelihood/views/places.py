"""Key places: the list (failing places first for their department), a place's page with the inspection walk on a
phone, its findings to put right, its order (closed, limited) and its history."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from .. import places
from ..models import KeyPlace


def _list_context(request, **extra) -> dict:
    rows = places.place_rows(list(places.places_visible(user=request.user)[:500]))
    rows.sort(key=lambda r: (not r.repeated, -r.overdue, r.place.jpath))
    return {
        "rows": rows,
        "kinds": KeyPlace.Kind.choices,
        "venues": places.venues_to_register(user=request.user)[:300],
        "departments": places.departments(),
        "may_edit_checklist": places.checklist_may_edit(user=request.user),
        "checklist": places.checklist_all(),
        "form": {},
        **extra,
    }


@scoped
def place_list(request):
    if not (has_cap(request.user, Cap.LIVELIHOOD_WORK) or has_cap(request.user, Cap.PLACE_INSPECT)):
        raise NotFound
    if request.method == "POST" and request.POST.get("action") == "item":
        try:
            item = places.place_check_item_set(
                actor=request.user, **places.PlaceCheckItemSetInput.from_form(request.POST).dict()
            )
            messages.success(request, _("Checklist: %(item)s saved.") % {"item": item.text})
            return redirect("livelihood:places")
        except FieldError as exc:
            context = _list_context(request, error=exc, action="item", form=request.POST)
            return render(request, "livelihood/places.html", context, status=400)
    if request.method == "POST":
        try:
            place = places.place_register(
                actor=request.user, **places.KeyPlaceRegisterInput.from_form(request.POST).dict()
            )
            messages.success(request, _("%(name)s is a key place now.") % {"name": place.venue.name})
            return redirect("livelihood:place", place.pk)
        except FieldError as exc:
            return render(
                request, "livelihood/places.html", _list_context(request, error=exc, form=request.POST), status=400
            )
    return render(request, "livelihood/places.html", _list_context(request))


def _place_context(request, place: KeyPlace, **extra) -> dict:
    return {
        "row": places.place_rows([place])[0],
        "place": place,
        "items": places.checklist(),
        "inspections": place.inspections.select_related("by")[:20],
        "fixes": place.rectifications.filter(done_at__isnull=True),
        "may_order": places.may_order(request.user, place),
        "states": KeyPlace.State.choices,
        "now": clock.now(),
        "form": {},
        **extra,
    }


@scoped
def place_detail(request, place_id: int):
    place = places.place_get(user=request.user, place_id=place_id)
    if request.method != "POST":
        return render(request, "livelihood/place.html", _place_context(request, place))
    action = request.POST.get("action", "")
    try:
        if action == "order":
            data = places.PlaceOrderInput.from_form(request.POST)
            place = places.place_order(actor=request.user, place_id=place.pk, **data.dict())
            messages.success(
                request, _("%(name)s: %(state)s.") % {"name": place.venue.name, "state": place.get_state_display()}
            )
        elif action == "fixed":
            done = places.RectificationCloseInput.from_form(request.POST)
            places.rectification_close(
                actor=request.user, rectification_id=param_id(request.POST, "rectification") or 0, **done.dict()
            )
            messages.success(request, _("Marked as put right."))
        else:
            walk = places.PlaceInspectInput.from_form(request.POST)
            inspection = places.place_inspect(actor=request.user, place_id=place.pk, **walk.dict())
            if inspection.failed:
                messages.error(
                    request,
                    _("Inspection recorded: %(n)d items failed, each a finding to put right by its deadline.")
                    % {"n": inspection.failed},
                )
            else:
                messages.success(request, _("Inspection recorded: every item passed."))
    except FieldError as exc:
        context = _place_context(request, place, error=exc, action=action or "inspect", form=request.POST)
        return render(request, "livelihood/place.html", context, status=400)
    return redirect("livelihood:place", place.pk)


urlpatterns = [
    path("places/", place_list, name="places"),
    path("places/<int:place_id>/", place_detail, name="place"),
]
