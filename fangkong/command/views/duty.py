"""Duty: one's own shifts and the day's board; for managers, rosters built from a holiday template and the people
put on each shift."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.params import param_day, param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.selectors import jurisdiction_asked, staff_within

from .. import duty
from ..models import DutyAssignment

ROSTER_DAYS = 14


@scoped
def duty_page(request):
    """My shifts (check in and out, write the log); for managers, the day's board with its flags."""
    error = None
    if request.method == "POST":
        action, shift_id = request.POST.get("action"), param_id(request.POST, "shift") or 0
        try:
            if action == "check_in":
                duty.duty_check_in(actor=request.user, shift_id=shift_id)
            elif action == "check_out":
                duty.duty_check_out(actor=request.user, shift_id=shift_id)
            elif action == "log":
                entry = duty.DutyLogInput.from_form(request.POST)
                duty.duty_log(actor=request.user, shift_id=shift_id, **entry.dict())
            elif action == "promote":
                duty.duty_log_promote(actor=request.user, entry_id=param_id(request.POST, "entry") or 0)
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
        except Forbidden as exc:
            error = FieldError("state", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            error = exc
    mine = list(duty.my_shifts(user=request.user))
    managing = has_cap(request.user, Cap.DUTY_MANAGE)
    if not mine and not managing:
        raise Forbidden(Cap.DUTY_MANAGE)
    within = jurisdiction_asked(user=request.user, cap=Cap.DUTY_MANAGE, params=request.GET) if managing else None
    return render(
        request,
        "command/duty.html",
        {
            "mine": mine,
            "board": duty.board(user=request.user, within=within.path if within else "") if managing else [],
            "within": within,
            "error": error,
        },
        status=400 if error else 200,
    )


@scoped
def roster_page(request):
    """Build a duty room's roster from a holiday template, and put a leader and officers on each shift: the next
    two weeks (from `?from=`) of the rooms within reach."""
    if not has_cap(request.user, Cap.DUTY_MANAGE):
        raise Forbidden(Cap.DUTY_MANAGE)
    error, action = None, request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "roster":
                made = duty.roster_generate(actor=request.user, **duty.RosterCreateInput.from_form(request.POST).dict())
                messages.success(request, _("%(n)d shifts added to the roster.") % {"n": len(made)})
            elif action == "assign":
                data = duty.DutyAssignInput.from_form(request.POST)
                a = duty.duty_assign(actor=request.user, shift_id=param_id(request.POST, "shift") or 0, **data.dict())
                messages.success(request, _("%(u)s is on the shift.") % {"u": a.user.get_full_name() or a.user})
            elif action == "unassign":
                duty.duty_unassign(
                    actor=request.user,
                    shift_id=param_id(request.POST, "shift") or 0,
                    assignment_id=param_id(request.POST, "assignment") or 0,
                )
                messages.success(request, _("Taken off the shift; they have been told."))
            else:
                raise FieldError("action", _("Unknown action."), code=Code.UNKNOWN_CHOICE)
            return redirect(request.get_full_path())
        except NotFound:
            where = "post" if action == "roster" else "shift"  # the duty room chosen, or the shift acted on
            error = FieldError(where, _("That is not within your reach."), code=Code.NOT_FOUND)
        except FieldError as exc:
            error = exc
    start = param_day(request.GET, "from") or clock.localdate()
    places, units = duty.duty_rooms(user=request.user)
    people = staff_within(user=request.user, cap=Cap.DUTY_MANAGE).order_by("username")[:5000]
    return render(
        request,
        "command/duty_roster.html",
        {
            "board": duty.board(user=request.user, day=start, days=ROSTER_DAYS),
            "start": start,
            "places": places,
            "units": units,
            "people": people,
            "holidays": duty.holidays_ahead(),
            # The role's words from its enum, the officer first (the usual addition; a shift without a leader
            # preselects the leader).
            "roles": [(r.value, r.label) for r in (DutyAssignment.Role.OFFICER, DutyAssignment.Role.LEADER)],
            "error": error,
            "action": action,
            "form": request.POST,
        },
        status=400 if error else 200,
    )
