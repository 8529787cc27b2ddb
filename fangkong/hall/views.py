"""The hall's pages: /hall/ (a desktop and phone page in the site's frame), /hall/?wall=1 (the wall: dark, full
screen, no navigation, large type), the panel and the alert feed each page refreshes by itself (HTMX)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import alertstream, clock
from fangkong.core.alerts import alert_get, alert_title, alerts_by_id, alerts_for, latest_id
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.hall import map_indicators
from fangkong.core.params import param_id, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap

from .selectors import TREND_DAYS, area_get, hall_for, map_for, trends_of
from .services import AlertDispatchInput, alert_dispatch, default_deadline, dispatch_choices, dispatches_for

PANEL_SECONDS = 30  # the figures: counts that move by the minute
FEED_SECONDS = 5  # the alerts: the issue's bound for a proxy that blocks streams


def _context(request) -> dict:
    jurisdiction = param_id(request.GET, "jurisdiction")
    h = hall_for(user=request.user, jurisdiction_id=jurisdiction)
    return {
        "hall": h,
        "dispatched": dispatches_for(user=request.user, within=h.jurisdiction.path),
        "can_dispatch": has_cap(request.user, Cap.DIRECTIVE_ISSUE),
        "map_indicators": map_indicators(),
        "wall": request.GET.get("wall") == "1",
        "panel_seconds": PANEL_SECONDS,
        "feed_seconds": FEED_SECONDS,
        "trend_days": TREND_DAYS,
    }


@scoped
def hall(request):
    context = _context(request)
    within = context["hall"].jurisdiction.path if param_id(request.GET, "jurisdiction") else None
    context["alerts"] = alerts_for(user=request.user, within=within, limit=30)
    context["last_alert"] = max((a.id for a in context["alerts"]), default=latest_id())
    return render(request, "hall/wall.html" if context["wall"] else "hall/hall.html", context)


@scoped
def panel(request):
    """The figures alone, for the page's own refresh."""
    return render(request, "hall/_panel.html", _context(request))


@scoped
def feed(request):
    """The alerts after the last one the page has (`after`), newest first, as list items to prepend."""
    jurisdiction = param_id(request.GET, "jurisdiction")
    area = area_get(user=request.user, jurisdiction_id=jurisdiction)
    after = param_int(request.GET, "after", 0) or 0
    items = alerts_for(user=request.user, after_id=after, within=area.path if jurisdiction else None, limit=30)
    return render(
        request,
        "hall/_feed.html",
        {"alerts": items, "can_dispatch": has_cap(request.user, Cap.DIRECTIVE_ISSUE), "hall": {"jurisdiction": area}},
    )


@scoped
def map_json(request):
    """The map for the hall's own page (signed in by the session, as the page is): the API's /hall/map."""
    data = map_for(
        user=request.user,
        jurisdiction_id=param_id(request.GET, "jurisdiction"),
        level=request.GET.get("level", ""),
        indicator=request.GET.get("indicator", ""),
    )
    return JsonResponse(data)


@scoped
def trends_json(request):
    """The trends for the hall's own page (the API's /hall/trends)."""
    return JsonResponse(trends_of(user=request.user, jurisdiction_id=param_id(request.GET, "jurisdiction")))


@scoped
def dispatch(request, alert_id: int):
    """An alert becomes a task: who must act (the alert's community first), by when, what to do."""
    alert = alert_get(user=request.user, alert_id=alert_id)
    choices = dispatch_choices(user=request.user, alert=alert)  # Forbidden without the power to issue tasks
    values = {"recipients": [str(choices[0].pk)] if choices else [], "deadline": default_deadline(), "body": ""}
    error = None
    if request.method == "POST":
        try:
            data = AlertDispatchInput.from_form(request.POST)
            directive = alert_dispatch(actor=request.user, alert_id=alert.pk, **data.dict())
        except FieldError as exc:
            error = exc
            values = {
                "recipients": request.POST.getlist("recipients"),
                "deadline": request.POST.get("deadline", ""),
                "body": request.POST.get("body", ""),
            }
        else:
            names = "、".join(t.recipient.name for t in directive.tasks.select_related("jurisdiction", "unit"))
            messages.success(
                request,
                _("Dispatched to %(who)s, to be handled by %(at)s. The hall follows it until it is closed.")
                % {"who": names, "at": clock.localtime(directive.deadline)},
            )
            back = param_id(request.GET, "jurisdiction")
            return redirect(reverse("hall:hall") + (f"?jurisdiction={back}" if back else ""))
    return render(
        request,
        "hall/dispatch.html",
        {"alert": alert, "title": alert_title(alert), "choices": choices, "values": values, "error": error},
        status=400 if error else 200,
    )


@scoped
def stream(request):
    """The alert feed as server-sent events (core.alertstream): from the last id the browser saw
    (`Last-Event-ID`, or `after`), else from now."""
    jurisdiction = param_id(request.GET, "jurisdiction")
    area = area_get(user=request.user, jurisdiction_id=jurisdiction)  # 404 without a hall, or outside its reach
    if alertstream.too_many():
        return HttpResponse(status=503, headers={"Retry-After": "30"})
    after = param_int(request.headers, "Last-Event-ID")
    if after is None:
        after = param_int(request.GET, "after")
    if after is None:  # 0 is an answer: everything (a fresh database's first alert is number 1)
        after = latest_id()
    language = translation.get_language()
    can_dispatch = has_cap(request.user, Cap.DIRECTIVE_ISSUE)
    user = request.user

    def render(ids: list[int]) -> list[dict]:
        with translation.override(language):
            items = alerts_by_id(user=user, ids=ids)
            return [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "at": a.at.isoformat(),
                    "time": timezone.localtime(a.at).strftime("%H:%M"),
                    "title": a.title,
                    "url": a.url,
                    "severity": a.severity,
                    "dispatch": reverse("hall:dispatch", args=[a.id]) + f"?jurisdiction={area.pk}"
                    if can_dispatch
                    else "",
                    "dispatch_label": pgettext("alert", "Dispatch"),
                }
                for a in items
            ]

    response = StreamingHttpResponse(
        alertstream.events(user=user, within=area.path if jurisdiction else None, after=after, render=render),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
