"""Resident self-service: sign in with phone and one-time code; my status with its reasons, my personal code,
my test results, appeals against manual changes. (The news portal comes with its own issue.)"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.errors import FieldError
from fangkong.core.middleware import client_address
from fangkong.core.ratelimit import RateLimited
from fangkong.core.scoping import NotFound

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
        try:
            return view(request, people, *args, **kwargs)
        except NotFound as exc:  # another person's data: as if it did not exist
            raise Http404 from exc

    return wrapper


def login(request):
    step, error, phone = "phone", None, request.POST.get("phone", "")
    address = client_address(request)
    if request.method == "POST":
        try:
            if "code" in request.POST:
                residents.login_code_guard(address=address)
                try:
                    people = residents.login_code_verify(phone=phone, code=request.POST["code"])
                except FieldError:
                    residents.login_code_failed(address=address)
                    raise
                request.session.cycle_key()  # a new session id at sign-in
                request.session[SESSION_KEY] = people
                request.session.set_expiry(IDLE_SECONDS)
                return redirect("portal:me")
            residents.login_code_send(phone=phone, address=address)
            step = "code"
        except FieldError as exc:
            error, step = exc, ("code" if exc.field == "code" else "phone")
        except RateLimited as exc:
            response = render(
                request,
                "portal/login.html",
                {
                    "step": "phone",
                    "phone": phone,
                    "error": FieldError(
                        "phone", _("Too many attempts from here; try again later."), code="rate_limited"
                    ),
                },
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
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
    from fangkong.registry.codes import qr_svg

    mine = residents.my_page(people)
    return render(
        request,
        "portal/me.html",
        {"mine": [(m, qr_svg(m.code)) for m in mine], "now": clock.now()},
    )


@resident_required
def access_log(request, people: list[int]):
    """谁查看了我的信息: every reveal of my numbers, tracing query and manual status step that concerned me."""
    return render(request, "portal/access_log.html", {"log": residents.my_access_log(people)})


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


def _public_report(request, *, limit_key: str, template: str, submit) -> HttpResponse:
    """A report from the public (no sign-in): rate-limited per address; `submit(post, name, phone)` files it, the
    name and phone only when the reporter chose to be named."""
    from fangkong.core.throttle import public_form_hit

    error, done = None, False
    if request.method == "POST":
        post = request.POST
        named = bool(post.get("named"))
        try:
            public_form_hit(request, limit_key)
            submit(post, post.get("name", "") if named else "", post.get("phone", "") if named else "")
            done = True
        except FieldError as exc:
            error = exc
        except RateLimited:
            error = FieldError("description", _("Too many reports from here; try again in a minute."))
    return render(request, template, {"error": error, "done": done}, status=400 if error else 200)


def report_hazard(request):
    """Anyone reports a work-safety hazard, anonymously or named."""
    from fangkong.safety.tips import tip_submit

    return _public_report(
        request,
        limit_key="tip",
        template="portal/report_hazard.html",
        submit=lambda post, name, phone: tip_submit(
            enterprise_id=None,
            place=post.get("place", ""),
            description=post.get("description", ""),
            name=name,
            phone=phone,
        ),
    )


def report_price(request):
    """Anyone reports price gouging or hoarding, anonymously or named."""
    from fangkong.livelihood.services import price_report_submit

    return _public_report(
        request,
        limit_key="price",
        template="portal/report_price.html",
        submit=lambda post, name, phone: price_report_submit(
            shop=post.get("shop", ""),
            place=post.get("place", ""),
            goods=post.get("goods", ""),
            price=post.get("price", ""),
            hoarding=post.get("hoarding") == "on",
            description=post.get("description", ""),
            name=name,
            phone=phone,
        ),
    )


def _person_choice(request, people: list[int]) -> int:
    try:
        return int(request.POST.get("person") or people[0])
    except ValueError:
        return 0


@resident_required
def travel(request, people: list[int]):
    """离盘报备: report my own trip before leaving the city (the community and employer see it as any other)."""
    from fangkong.core.dates import parse_day
    from fangkong.screening.travel import travel_report_self

    error = None
    if request.method == "POST":
        try:
            travel_report_self(
                person_ids=people,
                person_id=_person_choice(request, people),
                destination=request.POST.get("destination", ""),
                depart_on=parse_day("depart_on", request.POST.get("depart_on")),
                return_on=parse_day("return_on", request.POST.get("return_on")),
                reason=request.POST.get("reason", ""),
                transport=request.POST.get("transport", ""),
            )
            messages.success(request, _("Reported. Your community has it; report again if your plans change."))
            return redirect("portal:travel")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "portal/travel.html",
        {
            "people": residents.my_people(people),
            "reports": residents.my_travel_reports(people),
            "error": error,
            "form": request.POST if error else {},
        },
        status=400 if error else 200,
    )


@resident_required
def supplies(request, people: list[int]):
    """Supplies brought home while the home is in a sealed or controlled zone."""
    from fangkong.livelihood import selectors, services
    from fangkong.livelihood.models import SupplyRequest

    error = None
    if request.method == "POST":
        try:
            services.supply_request_file(
                person_ids=people,
                person_id=_person_choice(request, people),
                kind=request.POST.get("kind", ""),
                items=request.POST.get("items", ""),
                urgent=request.POST.get("urgent") == "on",
            )
            messages.success(request, _("Your request was sent to your community."))
            return redirect("portal:supplies")
        except FieldError as exc:
            error = exc
    eligible = [p for p in residents.my_people(people) if selectors.zone_keeping_home(p.pk) is not None]
    return render(
        request,
        "portal/supplies.html",
        {
            "people": eligible,
            "kinds": SupplyRequest.Kind.choices,
            "mine": selectors.my_supply_requests(people),
            "error": error,
        },
        status=400 if error else 200,
    )


@resident_required
def volunteer(request, people: list[int]):
    from fangkong.livelihood import selectors, services
    from fangkong.livelihood.models import Volunteer

    error = None
    if request.method == "POST":
        try:
            services.volunteer_sign_up(
                person_ids=people,
                person_id=_person_choice(request, people),
                skills=request.POST.getlist("skills"),
                availability=request.POST.get("availability", ""),
            )
            messages.success(request, _("Thank you for signing up. Your community will contact you."))
            return redirect("portal:volunteer")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "portal/volunteer.html",
        {
            "people": residents.my_people(people),
            "skills": Volunteer.Skill.choices,
            "mine": selectors.my_volunteering(people),
            "error": error,
        },
        status=400 if error else 200,
    )
