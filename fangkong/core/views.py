from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import defaults

from . import audit_labels
from .paging import page_of
from .params import param_day
from .scoping import Forbidden
from .selectors import audit_events


def _day(d: date | None, end: bool = False) -> datetime | None:
    if d is None:
        return None
    moment = datetime.combine(d, time.min, tzinfo=timezone.get_current_timezone())
    return moment + timedelta(days=1) if end else moment


@login_required
def audit_list(request):
    g = request.GET
    try:
        qs = audit_events(
            user=request.user,
            action=g.get("action", "").strip(),
            actor=g.get("actor", "").strip(),
            object_type=g.get("object_type", "").strip(),
            object_id=g.get("object_id", "").strip(),
            since=_day(param_day(g, "since")),
            until=_day(param_day(g, "until"), end=True),
        )
    except Forbidden as exc:
        raise Http404 from exc
    page, query = page_of(request, qs)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": g,
            "query": query,
            "actions": audit_labels.with_current(
                audit_labels.action_choices(), g.get("action", "").strip(), audit_labels.action_label
            ),
            "object_types": audit_labels.with_current(
                audit_labels.object_choices(), g.get("object_type", "").strip(), lambda code: code
            ),
        },
    )


# ---------------------------------------------------------------- Django's error views
# What Django answers when a request fails before or outside a view (a path no pattern matches, a refusal in a
# middleware, a body over the limit, an exception a page let through). Pages get our templates (templates/4xx.html,
# 500.html: translated, never a traceback); the API gets JSON {detail, code} like every other API error.


def _api_error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _api_error(413, "The request body is too large.", "too_large")
    return _api_error(400, "The request could not be read.", "bad_request")


def permission_denied(request, exception):
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _api_error(403, "You do not have permission for this action.", "forbidden")


def page_not_found(request, exception):
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _api_error(404, "Not found.", "not_found")


def server_error(request):
    if not _is_api(request):
        return defaults.server_error(request)
    return _api_error(500, "Server error; it has been logged.", "server_error")
