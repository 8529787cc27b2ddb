"""Venue posters and tracing (who was where, with a reason given for every query)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.params import param_id, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import units_within


@scoped
def venue_poster(request, venue_id: int):
    """The printable poster with the venue's code as a QR."""
    from fangkong.registry.codes import qr_svg

    from ..poster_notices import notices_for
    from ..venues import venue_code

    code = venue_code(actor=request.user, venue_id=venue_id)
    context = {"venue": code.venue, "code": code.code, "svg": qr_svg(code.code), "notices": notices_for(code.venue)}
    return render(request, "containment/venue_poster.html", context)


@scoped
def tracing(request):
    """Who was at a venue in a period; where a person was in the last days. Each query is audited with its
    reason."""
    from fangkong.registry.models import Unit

    from ..venues import visits_at, whereabouts

    if not has_cap(request.user, Cap.TRACE):
        raise Forbidden(Cap.TRACE)
    error, visits, places, person = None, None, None, None
    try:
        # A link may pre-fill the form (person=…); a query runs only when submitted with its reason field.
        if request.GET.get("venue") and "reason" in request.GET:
            since = parse_moment("since", request.GET.get("since"))
            until = parse_moment("until", request.GET.get("until"), end=True)
            if since is None or until is None:
                raise FieldError("since", _("Give the period."), code=Code.REQUIRED)
            visits = visits_at(
                actor=request.user,
                venue_id=param_id(request.GET, "venue") or 0,
                since=since,
                until=until,
                reason=request.GET.get("reason", ""),
            )
        elif request.GET.get("person") and "reason" in request.GET:
            person, places = whereabouts(
                actor=request.user,
                person_id=param_id(request.GET, "person") or 0,
                days=param_int(request.GET, "days", 7) or 0,
                reason=request.GET.get("reason", ""),
            )
    except FieldError as exc:
        error = exc
    return render(
        request,
        "containment/tracing.html",
        {
            "venues": units_within(user=request.user, cap=Cap.TRACE, kinds=[Unit.Kind.VENUE]).order_by("name")[:1000],
            "visits": visits,
            "places": places,
            "person": person,
            "error": error,
            "query": request.GET,
        },
        status=400 if error else 200,
    )


@scoped
def status_list_page(request):
    """The signed status list for a field page (the checkpoint's) signed in with a session: the same list and
    limits as the API's, the device being the session."""
    from django.http import JsonResponse

    from fangkong.core.ratelimit import RateLimited

    from ..status_list import status_list_for_scanner

    try:
        payload = status_list_for_scanner(actor=request.user, device=f"session:{request.session.session_key}")
    except RateLimited as exc:  # the page keeps the list it has and asks again later
        # As the API answers it (the page reads the status only; nobody reads the sentence).
        limited = JsonResponse({"detail": "Too many requests from this device; slow down.", "code": "rate_limited"})
        limited.status_code = 429
        limited["Retry-After"] = str(exc.retry_after)
        return limited
    response = JsonResponse(payload)
    response["Cache-Control"] = "no-store"  # the page keeps it itself, with its signature checked
    return response
