"""The residents' edge: sign in with phone and one-time code, sign out, the /me/ home (each of the phone's people
with the cards the domains register and their personal code), and who looked at their data."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.errors import Code, FieldError
from fangkong.core.middleware import client_address
from fangkong.core.ratelimit import RateLimited
from fangkong.registry.codes import code_of, qr_svg

from . import signin
from .access import my_access_log
from .home import cards_for
from .session import my_people, resident_required, sign_in, sign_out


def login(request):
    step, error, phone = "phone", None, request.POST.get("phone", "")
    address = client_address(request)
    if request.method == "POST":
        try:
            if "code" in request.POST:
                signin.login_code_guard(address=address)
                try:
                    people = signin.login_code_verify(phone=phone, code=request.POST["code"])
                except FieldError:
                    signin.login_code_failed(address=address)
                    raise
                sign_in(request, people)
                return redirect("me:me")
            signin.login_code_send(phone=phone, address=address)
            step = "code"
        except FieldError as exc:
            error, step = exc, ("code" if exc.field == "code" else "phone")
        except RateLimited as exc:
            response = render(
                request,
                "residents/login.html",
                {
                    "step": "phone",
                    "phone": phone,
                    "error": FieldError(
                        "phone", _("Too many attempts from here; try again later."), code=Code.RATE_LIMITED
                    ),
                },
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
    return render(
        request,
        "residents/login.html",
        {"step": step, "phone": phone, "error": error},
        status=400 if error else 200,
    )


@require_POST
def logout(request):
    sign_out(request)
    return redirect("me:login")


@resident_required
def me(request, people: list[int]):
    mine = []
    for person in my_people(people):
        code = code_of(person)
        mine.append({"person": person, "cards": cards_for(person), "code": code, "svg": qr_svg(code)})
    return render(request, "residents/me.html", {"mine": mine, "now": clock.now()})


@resident_required
def access_log(request, people: list[int]):
    """谁查看了我的信息: every reveal of my numbers, tracing query and manual status step that concerned me."""
    return render(request, "residents/access_log.html", {"log": my_access_log(people)})
