"""Zone pages: propose, decide (a second person), lift; the people inside."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.models import AuditEvent
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import narrowed

from .. import selectors, zones
from ..models import Zone
from ._shared import _refused


@scoped
def zone_list(request):
    if not has_cap(request.user, Cap.ZONE_VIEW):
        raise Forbidden(Cap.ZONE_VIEW)
    error = None
    if request.method == "POST" and request.POST.get("action") == "drafting":
        try:
            setting = zones.ZoneDraftingInput.from_form(request.POST)
            zones.zone_drafting_set(actor=request.user, **setting.dict())
            if setting.drafts_for_cases:
                messages.success(request, _("A confirmed case now drafts a zone over their home compound."))
            else:
                messages.success(request, _("Automatic drafting is off: zones are proposed by hand only."))
            return redirect("containment:zones")
        except Forbidden as exc:
            error = _refused(exc)
        except FieldError as exc:
            error = exc
    elif request.method == "POST":
        try:
            data = zones.ZoneRequestInput.from_form(request.POST)
            zone = zones.zone_request(actor=request.user, **data.dict())
            messages.success(request, _("Zone proposed: a second person must approve it."))
            return redirect("containment:zone", zone.pk)
        except FieldError as exc:
            error = exc
    listed = selectors.zones_visible(user=request.user, state=request.GET.get("state", ""))
    # The zones inside a hall's street or community
    listed, within = narrowed(listed, user=request.user, cap=Cap.ZONE_VIEW, params=request.GET)
    page, query = page_of(request, listed)
    drafting, can_set_drafting = zones.zone_drafting_state(user=request.user)
    return render(
        request,
        "containment/zones.html",
        {
            "page": page,
            # The earliest lifting date is on each zone's page: worked out per zone (its people, cases, contacts
            # and rounds), too dear for every row of a list.
            "rows": list(page),
            "drafting": drafting.drafts_for_cases,
            "can_set_drafting": can_set_drafting,
            "within": within,
            "query": query,
            "states": Zone.State.choices,
            "state": request.GET.get("state", ""),
            "can_request": has_cap(request.user, Cap.ZONE_REQUEST),
            "levels": selectors.levels(),
            "compounds": selectors.zone_places(user=request.user),
            "jurisdictions": selectors.zone_jurisdictions(user=request.user),
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@scoped
def zone_detail(request, zone_id: int):
    zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            note = NoteInput.from_form(request.POST).note
            if action == "approve":
                zones.zone_approve(actor=request.user, zone_id=zone.pk, note=note)
                messages.success(request, _("Zone approved: it is in force."))
            elif action == "reject":
                zones.zone_reject(actor=request.user, zone_id=zone.pk, note=note)
            elif action == "lift":
                lifting = zones.ZoneLiftInput.from_form(request.POST)
                lifted = zones.zone_lift(actor=request.user, zone_id=zone.pk, **lifting.dict())
                if lifted.state == Zone.State.LIFTED:
                    messages.success(request, _("Zone lifted."))
                else:
                    messages.success(request, _("Early lifting asked: a second officer confirms it."))
            elif action == "lift_reject":
                zones.zone_lift_reject(actor=request.user, zone_id=zone.pk, note=note)
                messages.success(request, _("Early lifting declined: the zone stays in force."))
            return redirect("containment:zone", zone.pk)
        except Forbidden as exc:
            error = _refused(exc)
        except FieldError as exc:
            error = exc
        zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    people = zones.people_in_zone(zone).select_related("jurisdiction").order_by("jpath", "pk")
    page, query = page_of(request, people)
    decides = selectors.zone_decidable(user=request.user, zone=zone)
    return render(
        request,
        "containment/zone.html",
        {
            "zone": zone,
            # Pending or in force: each criterion with its day, the earliest lifting and the round it needs.
            "outlook": zones.lift_outlook(zone) if zone.state in (Zone.State.PENDING, Zone.State.ACTIVE) else None,
            "cases": zones.zone_cases(user=request.user, zone=zone),
            "page": page,
            "query": query,
            "history": AuditEvent.objects.filter(object_type="containment.zone", object_id=str(zone.pk)).order_by(
                "at", "id"
            ),
            "can_decide": decides and zone.state == Zone.State.PENDING and zone.requested_by_id != request.user.pk,
            "can_lift": decides and zone.state == Zone.State.ACTIVE,
            "can_open_people": has_cap(request.user, Cap.PEOPLE_VIEW),
            "error": error,
        },
        status=400 if error else 200,
    )
