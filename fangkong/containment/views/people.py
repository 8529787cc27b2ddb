"""A person's status with its reasons; manual status changes and appeals, decided by another."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import pii
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import NoteInput
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.selectors import jurisdiction_asked

from .. import changes, selectors
from ..models import Colour, StatusChange
from ..status import reason_text
from ._shared import _refused, _sites


@scoped
def person_status(request, person_id: int):
    """A person's status with its reasons, their manual changes (ask, decide, appeal) — for staff in scope."""
    person, status = selectors.person_status(user=request.user, person_id=person_id)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "request":
                asked = changes.StatusChangeRequestInput.from_form(request.POST, person_id=person.pk)
                changes.status_change_request(actor=request.user, **asked.dict())
                messages.success(request, _("Change requested: a second person must approve it."))
            elif request.POST.get("action") == "transfer":
                from ..transfers import TransferDispatchInput, transfer_dispatch

                dispatch = TransferDispatchInput.from_form(request.POST, person_id=person.pk)
                transfer_dispatch(actor=request.user, **dispatch.dict())
                messages.success(request, _("Transfer dispatched."))
            elif request.POST.get("action") == "appeal":
                appeal = changes.AppealFileInput.from_form(request.POST)
                changes.appeal_file(
                    actor=request.user, change_id=param_id(request.POST, "change") or 0, text=appeal.text
                )
                messages.success(request, _("Appeal recorded."))
            return redirect("containment:person", person.pk)
        except (FieldError, NotFound) as exc:
            error = (
                exc if isinstance(exc, FieldError) else FieldError("change", _("Unknown change."), code=Code.NOT_FOUND)
            )
        except Forbidden as exc:
            error = _refused(exc)
    return render(
        request,
        "containment/person.html",
        {
            "person": person,
            "status": status,
            "reasons": status.reasons_shown(),
            "changes": StatusChange.objects.filter(person=person)
            .select_related("requested_by", "decided_by")
            .prefetch_related("appeals")
            .order_by("-requested_at"),
            **selectors.person_actions(user=request.user, person=person),
            "sites": _sites(),
            "colours": Colour.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def people_list(request):
    """The people red or yellow, as the hall's tiles count them: under a jurisdiction (`?jurisdiction=`), of one
    colour (`?colour=`), each with their reasons and a link to their status."""
    within = jurisdiction_asked(user=request.user, cap=Cap.STATUS_VIEW, params=request.GET)
    colour = request.GET.get("colour", "")
    colour = colour if colour in (Colour.RED, Colour.YELLOW) else ""
    qs = selectors.people_restricted(user=request.user, colour=colour, within=within.path if within else "")
    page, query = page_of(request, qs)
    rows = [
        {
            "status": s,
            "person": s.person,
            "name": pii.mask_name(s.person.name),
            "reasons": [reason_text(r) for r in s.reasons if r.get("colour") == s.colour],
        }
        for s in page.object_list
    ]
    return render(
        request,
        "containment/people.html",
        {
            "page": page,
            "query": query,
            "rows": rows,
            "within": within,
            "colour": colour,
            "colours": [(Colour.RED, Colour.RED.label), (Colour.YELLOW, Colour.YELLOW.label)],
        },
    )


@scoped
def change_list(request):
    """Manual changes awaiting a second person, those in force, and open appeals."""
    if not has_cap(request.user, Cap.STATUS_VIEW):
        raise Forbidden(Cap.STATUS_VIEW)
    state = request.GET.get("state", StatusChange.State.PENDING)
    page, query = page_of(request, selectors.changes_visible(user=request.user, state=state))
    return render(
        request,
        "containment/changes.html",
        {
            "page": page,
            "query": query,
            "state": state,
            "states": StatusChange.State.choices,
            "appeals": selectors.appeals_visible(user=request.user, state="open")[:100],
            "can_approve": has_cap(request.user, Cap.STATUS_APPROVE),
        },
    )


@scoped
@require_POST
def change_decide(request, change_id: int):
    action = request.POST.get("action")
    try:
        note = NoteInput.from_form(request.POST).note
        if action == "approve":
            changes.status_change_approve(actor=request.user, change_id=change_id, note=note)
            messages.success(request, _("Change applied; the person has been given notice."))
        elif action == "reject":
            changes.status_change_reject(actor=request.user, change_id=change_id, note=note)
        elif action == "revoke":
            change = changes.status_change_revoke(actor=request.user, change_id=change_id, note=note)
            if change.state == StatusChange.State.REVOKED:
                messages.success(request, _("Change revoked; the person's status has been recomputed."))
            else:
                messages.success(request, _("Revocation asked: a second officer confirms it."))
        elif action == "revoke_reject":
            changes.status_change_revoke_reject(actor=request.user, change_id=change_id, note=note)
            messages.success(request, _("Revocation declined: the change stays in force."))
    except Forbidden as exc:
        messages.error(request, _refused(exc).message)
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("containment:changes")


@scoped
@require_POST
def appeal_decide(request, appeal_id: int):
    try:
        decision = changes.AppealDecideInput.from_form(request.POST)
        changes.appeal_decide(actor=request.user, appeal_id=appeal_id, **decision.dict())
        messages.success(request, _("Appeal decided."))
    except Forbidden as exc:
        messages.error(request, _refused(exc).message)
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("containment:changes")
