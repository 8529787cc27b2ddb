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


@scoped
def venue_doors(request):
    """The door page's way in: the account's one venue at once, else the venues it scans at."""
    from django.shortcuts import redirect

    from ..venues import door_venues

    if not has_cap(request.user, Cap.STATUS_SCAN):
        raise Forbidden(Cap.STATUS_SCAN)
    venues = list(door_venues(user=request.user)[:200])
    if len(venues) == 1:
        return redirect("containment:venue_door", venue_id=venues[0].pk)
    return render(request, "containment/venue_doors.html", {"venues": venues})


def _door_reply(request, venue_id: int) -> dict:
    """One visitor scanned at the door, once per key (a double tap, the outbox sending it again): what the door
    does, as the scanners' API answers (colour, action, the short reason)."""
    from django.utils.translation import gettext as _

    from fangkong.core.outbox import conflict, once, phone_time
    from fangkong.core.ratelimit import RateLimited

    from ..scanning import scan_reply
    from ..venues import venue_door_scan

    def run() -> tuple[int, dict]:
        at = phone_time(request, parse_moment("at", request.POST.get("at")), "at")  # kept: its clock corrected
        _scan, status = venue_door_scan(
            actor=request.user, venue_id=venue_id, person_code=request.POST.get("person_code", ""), at=at
        )
        return 201, scan_reply(status)

    try:
        _status, reply = once(request, f"page-venue:{venue_id}", run)
    except RateLimited:
        raise FieldError(
            "person_code", _("Too many scans from this phone this minute: wait a moment."), code=Code.RATE_LIMITED
        ) from None
    if "colour" not in reply:  # a 409: the key came with another scan, or this one is being recorded right now
        raise conflict(reply, "person_code")
    return reply


@scoped
def venue_door(request, venue_id: int):
    """The venue's door on a staff phone: each visitor's personal code read (camera, scanner or typed), the visit
    recorded for tracing and the door told what to do. Offline the page answers from the signed status list and
    keeps the scan in its outbox with the time it was read (issue 22)."""
    from django.http import JsonResponse

    from ..status_list import status_list_public_key
    from ..venues import door_venue_get

    venue = door_venue_get(user=request.user, venue_id=venue_id)
    reply, error = None, None
    if request.method == "POST":
        try:
            reply = _door_reply(request, venue.pk)
        except FieldError as exc:
            error = exc
        if request.headers.get("X-Fangkong-Outbox"):  # kept by the page's outbox, sent now: JSON, as the site's
            if error is not None:
                return JsonResponse({"ok": False, "code": str(error.code), "message": str(error.message)})
            assert reply is not None
            said = f"{reply['action_text']}{' · ' + reply['reason'] if reply['reason'] else ''}"
            attention = reply["action"] != "pass"  # not let in, or checked: the panel keeps it until dismissed
            return JsonResponse({"ok": True, "code": reply["action"], "message": said, "attention": attention})
    return render(
        request,
        "containment/venue_door.html",
        {"venue": venue, "reply": reply, "error": error, "status_key": status_list_public_key()},
        status=400 if error else 200,
    )
