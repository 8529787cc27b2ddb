from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .scoping import Forbidden, NotFound


def scoped(view):
    """Objects outside one's scope do not exist (404), and missing powers look the same from outside."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (NotFound, Forbidden) as exc:
            raise Http404 from exc

    return login_required(wrapper)
