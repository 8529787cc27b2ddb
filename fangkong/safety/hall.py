"""Work safety on the command hall and the desk (registered in apps.py): open hazards by grade, overdue
rectifications, major hazards without their five assurances, accidents this year; on a regulator's desk the
applications to re-inspect and the public reports to verify, on an enterprise's the hazards to rectify."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock, daily
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, MapPoint, covers, list_url, sum_by_area
from fangkong.core.roles import Cap
from fangkong.core.scoping import has_cap, unit_ids_for

from .hazards import lacking_assurances_q, overdue_q
from .models import Accident, Hazard, PublicReport
from .selectors import hazards_visible


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    if not covers(user, Cap.SAFETY_VIEW, area):
        return []
    within = Q(jpath__startswith=area.path)
    # One pass over the open hazards (the partial index hazard_open_jpath), not one query per figure.
    counts = (
        Hazard.objects.filter(within)
        .exclude(state=Hazard.State.CLOSED)
        .aggregate(
            n=Count("pk"),
            major=Count("pk", filter=Q(grade=Hazard.Grade.MAJOR)),
            general=Count("pk", filter=Q(grade=Hazard.Grade.GENERAL)),
            overdue=Count("pk", filter=overdue_q(now)),
        )
    )
    overdue = counts["overdue"]
    # Counted in the database (a city has thousands of them: not a JSON document each to read here).
    without = Hazard.objects.filter(lacking_assurances_q(), within).count()
    year_start = clock.start_of_day(clock.localdate(now).replace(month=1, day=1))
    accidents = Accident.objects.filter(within, incident__occurred_at__gte=year_start).count()
    hazards = list_url(reverse("safety:hazards"), area, state="open")
    return [
        Figure("hazards_open", _("Open hazards"), counts["n"], url=hazards),
        Figure("hazards_major", _("Open major hazards"), counts["major"], url=hazards + "&grade=major", tone="bad"),
        Figure("hazards_general", _("Open general hazards"), counts["general"], url=hazards + "&grade=general"),
        Figure(
            "hazards_overdue",
            _("Rectifications overdue"),
            overdue,
            url=list_url(reverse("safety:hazards"), area, state="overdue"),
            tone="bad",
        ),
        Figure(
            "majors_without_assurances",
            _("Major hazards without their five assurances"),
            without,
            url=list_url(reverse("safety:hazards"), area, state="lacking"),
            tone="bad",
        ),
        Figure(
            "accidents_this_year",
            _("Accidents this year"),
            accidents,
            url=list_url(reverse("safety:accidents"), area),
            tone="bad",
        ),
    ]


def hazards_to_review(user) -> Todo | None:
    """A regulator's: applications for acceptance to re-inspect, public reports to verify."""
    if not has_cap(user, Cap.SAFETY_REGULATE):
        return None
    visible = hazards_visible(user=user)
    applied = visible.filter(state=Hazard.State.APPLIED).count()
    return Todo("safety.review", _("Hazards to re-inspect"), applied, reverse("safety:review"))


def hazards_to_rectify(user) -> Todo | None:
    """An enterprise's own: hazards ordered for rectification and not yet applied for acceptance."""
    own = unit_ids_for(user, Cap.SAFETY_SELF)
    if not own:
        return None
    waiting = Hazard.objects.filter(
        enterprise_id__in=own, state__in=[Hazard.State.REGISTERED, Hazard.State.ORDERED, Hazard.State.RECTIFYING]
    )
    counts = waiting.aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=clock.now())))
    return Todo(
        "safety.rectify", _("Hazards to rectify"), counts["n"], reverse("safety:hazards"), overdue=counts["late"]
    )


def tips_to_verify(user) -> Todo | None:
    from .tips import tips_visible

    if not has_cap(user, Cap.SAFETY_TIPS):
        return None
    n = tips_visible(user=user).filter(state=PublicReport.State.RECEIVED).count()
    return Todo("safety.tips", _("Public hazard reports to verify"), n, reverse("safety:review"))


def map_hazards_open(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    if not covers(user, Cap.SAFETY_VIEW, within):
        return {}
    counts = dict(
        Hazard.objects.filter(jpath__startswith=within.path)
        .exclude(state=Hazard.State.CLOSED)
        .values_list("jpath")
        .annotate(n=Count("*"))
        .order_by()
    )
    return sum_by_area(counts, areas)


def major_hazard_points(user, area: Area) -> list[MapPoint]:
    """Enterprises with an open major hazard."""
    if not covers(user, Cap.SAFETY_VIEW, area):
        return []
    rows = (
        Hazard.objects.filter(jpath__startswith=area.path, grade=Hazard.Grade.MAJOR, enterprise__lon__isnull=False)
        .exclude(state=Hazard.State.CLOSED)
        .values_list("enterprise__name", "enterprise__lon", "enterprise__lat", "pk")
    )
    seen: dict[str, MapPoint] = {}
    for name, lon, lat, pk in rows:
        seen.setdefault(name, MapPoint(lon, lat, name, reverse("safety:hazard", args=[pk])))
    return list(seen.values())


# --- trends --------------------------------------------------------------------------------------------------


def recount_found():
    return daily.by_day(Hazard.objects.all(), "found_at")


def recount_closed():
    return daily.by_day(Hazard.objects.filter(closed_at__isnull=False), "closed_at")
