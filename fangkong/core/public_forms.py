"""A report from the public (no sign-in) — a hazard, price gouging: rate-limited per address, anonymous unless the
reporter chooses to be named. The owning app's view gives the template and what files the report."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import Code, FieldError
from .ratelimit import RateLimited
from .throttle import public_form_hit


def public_report(
    request, *, limit_key: str, template: str, submit: Callable[[dict, str, str], object]
) -> HttpResponse:
    """`submit(post, name, phone)` files it: the name and phone only when the reporter chose to be named."""
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
            error = FieldError(
                "description", _("Too many reports from here; try again in a minute."), code=Code.RATE_LIMITED
            )
    return render(request, template, {"error": error, "done": done}, status=400 if error else 200)
