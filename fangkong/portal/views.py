"""Resident self-service: sign in with phone and one-time code; my status with its reasons, my personal code,
my test results, appeals against manual changes. (The news portal comes with its own issue.)"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.errors import FieldError

from . import residents

SESSION_KEY = "fangkong_resident"
IDLE_SECONDS = 30 * 60


def resident_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        people = request.session.get(SESSION_KEY)
        if not people:
            return redirect("portal:login")
        request.session.set_expiry(IDLE_SECONDS)  # sliding: half an hour without a click signs out
        return view(request, people, *args, **kwargs)

    return wrapper


def login(request):
    step, error, phone = "phone", None, request.POST.get("phone", "")
    if request.method == "POST":
        try:
            if "code" in request.POST:
                people = residents.login_code_verify(phone=phone, code=request.POST["code"])
                request.session.cycle_key()  # a new session id at sign-in
                request.session[SESSION_KEY] = people
                request.session.set_expiry(IDLE_SECONDS)
                return redirect("portal:me")
            residents.login_code_send(phone=phone)
            step = "code"
        except FieldError as exc:
            error, step = exc, ("code" if exc.field == "code" else "phone")
    return render(
        request,
        "portal/login.html",
        {"step": step, "phone": phone, "error": error},
        status=400 if error else 200,
    )


@require_POST
def logout(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("portal:login")


@resident_required
def me(request, people: list[int]):
    from fangkong.testing.codes import qr_svg

    mine = residents.my_page(people)
    return render(
        request,
        "portal/me.html",
        {"mine": [(m, qr_svg(m.code)) for m in mine], "now": clock.now()},
    )


@resident_required
@require_POST
def appeal(request, people: list[int], change_id: int):
    from fangkong.containment.changes import appeal_file
    from fangkong.containment.models import StatusChange
    from fangkong.registry.models import Person

    change = StatusChange.objects.filter(pk=change_id, person_id__in=people).first()
    if change is None:
        raise Http404
    try:
        appeal_file(
            actor=None,
            change_id=change.pk,
            text=request.POST.get("text", ""),
            person=Person.objects.get(pk=change.person_id),
        )
        messages.success(request, _("Your appeal was filed. Someone who took no part in the change will decide it."))
    except FieldError as exc:
        messages.error(request, exc.message)
    return redirect("portal:me")


def report_hazard(request):
    """Anyone reports a work-safety hazard, anonymously or named (no sign-in needed)."""
    from fangkong.core.ratelimit import RateLimited, hit
    from fangkong.safety.tips import tip_submit

    error, done = None, False
    if request.method == "POST":
        try:
            hit(f"tip:{request.META.get('REMOTE_ADDR', '')}", per_minute=10)
            tip_submit(
                enterprise_id=None,
                place=request.POST.get("place", ""),
                description=request.POST.get("description", ""),
                name=request.POST.get("name", "") if request.POST.get("named") else "",
                phone=request.POST.get("phone", "") if request.POST.get("named") else "",
            )
            done = True
        except FieldError as exc:
            error = exc
        except RateLimited:
            error = FieldError("description", _("Too many reports from here; try again in a minute."))
    return render(request, "portal/report_hazard.html", {"error": error, "done": done}, status=400 if error else 200)
