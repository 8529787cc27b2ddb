from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from .paging import page_of
from .roles import Cap
from .scoping import Forbidden, has_cap
from .selectors import audit_events


@login_required
def home(request):
    # The street's and HQ's standing alert: arrivals nobody contacted in time (screening).
    from fangkong.screening.selectors import followups_missed

    missed = followups_missed(user=request.user).count() if has_cap(request.user, Cap.RECONCILE_VIEW) else 0
    return render(request, "core/home.html", {"missed": missed})


def _day(value: str, end: bool = False) -> datetime | None:
    d = parse_date(value or "")
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
            since=_day(g.get("since", "")),
            until=_day(g.get("until", ""), end=True),
        )
    except Forbidden as exc:
        raise Http404 from exc
    page, query = page_of(request, qs)
    return render(request, "core/audit_list.html", {"page": page, "filters": g, "query": query})
