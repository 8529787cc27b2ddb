from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .errors import FieldError
from .params import beyond_bigint
from .scoping import Forbidden, NotFound


def scoped(view):
    """Objects outside one's scope do not exist (404), and missing powers look the same from outside. Bad input
    that a page did not turn into a message of its own (a FieldError from a link's parameters) is a 400 page
    saying what is wrong, not a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # An id in the path beyond any bigint column names nothing: Django's int converter takes any digits.
        if beyond_bigint(kwargs.values()):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except (NotFound, Forbidden) as exc:
            raise Http404 from exc
        except FieldError as exc:
            return render(request, "400.html", {"error": exc}, status=400)

    return login_required(wrapper)
