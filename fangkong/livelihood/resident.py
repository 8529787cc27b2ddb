"""Livelihood's pages for residents: supplies brought to a sealed home, signing up to volunteer (signed in), and
reporting price gouging or hoarding (anyone, no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.public_forms import public_report
from fangkong.core.scoping import NotFound
from fangkong.residents.session import my_people, person_choice, resident_required

from . import deliveries, selectors, services, volunteering
from .models import SupplyRequest, Volunteer


@resident_required
def supplies(request, people: list[int]):
    """Supplies brought home while the home is in a sealed or controlled zone."""
    error = None
    if request.method == "POST" and request.POST.get("action") == "received":
        try:
            deliveries.supply_request_received(person_ids=people, request_id=param_id(request.POST, "request") or 0)
            messages.success(request, _("Thank you: the delivery is confirmed."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("me:supplies")
    if request.method == "POST":
        try:
            services.supply_request_file(
                person_ids=people,
                person_id=person_choice(request, people),
                kind=request.POST.get("kind", ""),
                items=request.POST.get("items", ""),
                urgent=request.POST.get("urgent") == "on",
                need=request.POST.get("need", ""),
            )
            messages.success(request, _("Your request was sent to your community."))
            return redirect("me:supplies")
        except FieldError as exc:
            error = exc
    eligible = [p for p in my_people(people) if selectors.zone_keeping_home(p.pk) is not None]
    mine = selectors.my_supply_requests(people)
    for r in mine:
        r.steps = deliveries.steps_of(r)  # type: ignore[attr-defined]
        r.code = deliveries.door_code(r)  # type: ignore[attr-defined]
    return render(
        request,
        "livelihood/resident/supplies.html",
        {
            "people": eligible,
            "kinds": SupplyRequest.Kind.choices,
            "needs": SupplyRequest.Need.choices,
            "mine": mine,
            "error": error,
        },
        status=400 if error else 200,
    )


@resident_required
def volunteer(request, people: list[int]):
    error = None
    if request.method == "POST" and request.POST.get("action") == "door":
        try:
            r = deliveries.supply_request_confirm(
                courier_person_ids=people, request_id=param_id(request.POST, "request") or 0,
                code=request.POST.get("code", ""),
            )  # fmt: skip
            messages.success(request, _("Delivered: %(home)s confirmed.") % {"home": _home(r)})
        except FieldError as exc:
            messages.error(request, exc.message)
        except NotFound:
            messages.error(request, _("This delivery is not yours, or no longer exists."))
        return redirect("me:volunteer")
    if request.method == "POST" and request.POST.get("action") in ("check_in", "check_out"):
        shift_id = param_id(request.POST, "shift") or 0
        try:
            if request.POST["action"] == "check_in":
                volunteering.shift_check_in(person_ids=people, shift_id=shift_id)
                messages.success(request, _("Checked in. Thank you — check out when you leave."))
            else:
                s = volunteering.shift_check_out(person_ids=people, shift_id=shift_id)
                messages.success(
                    request, _("Checked out: %(m)d minutes added to your hours.") % {"m": s.worked_minutes}
                )
        except FieldError as exc:
            messages.error(request, exc.message)
        except NotFound:
            messages.error(request, _("This shift is not yours, or no longer exists."))
        return redirect("me:volunteer")
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            services.volunteer_withdraw(person_ids=people, volunteer_id=int(request.POST.get("volunteer") or 0))
            messages.success(request, _("You are no longer signed up. Thank you for your help."))
        except FieldError as exc:
            messages.error(request, exc.message)
        except ValueError:
            pass
        return redirect("me:volunteer")
    if request.method == "POST":
        try:
            services.volunteer_sign_up(
                person_ids=people,
                person_id=person_choice(request, people),
                skills=request.POST.getlist("skills"),
                availability=request.POST.get("availability", ""),
            )
            messages.success(request, _("Thank you for signing up. Your community will contact you."))
            return redirect("me:volunteer")
        except FieldError as exc:
            error = exc
    mine = selectors.my_volunteering(people)
    for v in mine:
        v.ledger = volunteering.ledger_of(v)  # type: ignore[attr-defined]
    shifts = volunteering.my_shifts(people)
    doors = deliveries.courier_doors(people)
    for d in doors:
        d.home = _home(d)  # type: ignore[attr-defined]
    now = clock.now()
    for s in shifts:
        s.may_check_in = volunteering.may_check_in(s, now)  # type: ignore[attr-defined]
        s.may_check_out = volunteering.may_check_out(s)  # type: ignore[attr-defined]
    return render(
        request,
        "livelihood/resident/volunteer.html",
        {
            "people": my_people(people),
            "skills": Volunteer.Skill.choices,
            "mine": mine,
            "shifts": shifts,
            "doors": doors,
            "several": len(people) > 1,
            "error": error,
        },
        status=400 if error else 200,
    )


def _home(r) -> str:
    """Where a courier takes a request: the building and home, and the recipient's name masked."""
    from fangkong.core.pii import mask_name

    home = r.person.household
    where = " ".join(p.name for p in (home.parent if home else None, home) if p is not None)
    return f"{where} {mask_name(r.person.name)}".strip()


@resident_required
def certificate(request, people: list[int], volunteer_id: int):
    """The volunteer's own certificate of service."""
    from .views.volunteers import certificate_response

    return certificate_response(volunteering.my_volunteer(people, volunteer_id))


def report_price(request):
    """Anyone reports price gouging or hoarding, anonymously or named."""

    def submit(post, name: str, phone: str):
        # The name and phone as public_report passes them: only when the reporter chose to be named.
        data = services.PriceReportSubmitInput.from_form(post).dict() | {"name": name, "phone": phone}
        return services.price_report_submit(**data)

    return public_report(request, limit_key="price", template="livelihood/resident/report_price.html", submit=submit)
