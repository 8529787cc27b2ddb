"""Screening on the command hall and the desk (registered in apps.py): today's arrivals by risk level, the
closed-loop cases in time or overdue, unreported exits; and, on a worker's desk, the arrivals to contact."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock, daily
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, MapPoint, covers, list_url, sum_by_area
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for

from .models import ArrivalCount, Checkpoint, FollowUp, RiskLevel, Violation

LEVELS = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)

# Counts per day kept by the writes (core.daily): the hall's trends.
FOLLOWUPS_OPENED = "screening.followups_opened"  # passages._open_followup
FOLLOWUPS_RELEASED = "screening.followups_released"  # followups.followup_release


def _arrivals_by_level(within: str, day: date) -> dict[str, int]:
    """The day's arrivals under `within` by risk level, from the counts kept by each registration."""
    rows = (
        ArrivalCount.objects.filter(jpath__startswith=within, day=day)
        .values_list("level")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return {level or "": total for level, total in rows}


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    if not covers(user, Cap.PASSAGE_VIEW, area):
        return []
    within = Q(jpath__startswith=area.path)
    today = clock.localdate(now)
    now_ = _arrivals_by_level(area.path, today)
    before = _arrivals_by_level(area.path, today - timedelta(days=1))
    day = clock.localdate(now).isoformat()
    passages = list_url(reverse("screening:passages"), area, direction="in", day=day)
    figures = [
        Figure(
            "arrivals_today",
            _("Arrivals today"),
            sum(now_.values()),
            previous=sum(before.values()),
            url=passages,
        ),
        *[
            Figure(
                f"arrivals_{level}",
                {
                    RiskLevel.HIGH: _("From high-risk areas"),
                    RiskLevel.MEDIUM: _("From medium-risk areas"),
                    RiskLevel.LOW: _("From low-risk areas"),
                }[level],
                now_.get(level, 0),
                previous=before.get(level, 0),
                url=passages,
                tone="bad" if level == RiskLevel.HIGH else "warn",
            )
            for level in LEVELS
        ],
    ]
    open_ = FollowUp.objects.filter(within, released_at__isnull=True).aggregate(
        open=Count("pk"),
        awaiting=Count("pk", filter=Q(contacted_at__isnull=True, contact_due_at__gte=now)),
        overdue=Count("pk", filter=Q(contacted_at__isnull=True, contact_due_at__lt=now)),
        late=Count("pk", filter=Q(contacted_at__gt=F("contact_due_at"))),
    )
    followups = reverse("screening:followups")
    figures += [
        Figure(
            "followups_open",
            _("Under closed-loop management"),
            open_["open"],
            url=list_url(followups, area, state="active"),
        ),
        Figure(
            "followups_in_time",
            _("Awaiting contact, in time"),
            open_["awaiting"],
            url=list_url(followups, area, state=FollowUp.State.OPEN),
        ),
        Figure(
            "followups_overdue",
            _("Not contacted in time"),
            open_["overdue"],
            url=list_url(followups, area, state=FollowUp.State.MISSED),
            tone="bad",
        ),
        Figure(
            "followups_late",
            _("Contacted late"),
            open_["late"],
            url=list_url(followups, area, state="active"),
            tone="warn",
        ),
    ]
    if covers(user, Cap.VIOLATION_HANDLE, area):
        figures.append(
            Figure(
                "travel_violations",
                _("Unreported exits to handle"),
                Violation.objects.filter(within, outcome=Violation.Outcome.OPEN).count(),
                url=list_url(reverse("screening:violations"), area, outcome="open"),
                tone="warn",
            )
        )
    return figures


def arrivals_to_contact(user) -> Todo | None:
    scope = scope_for(user, Cap.FOLLOWUP_WORK)
    if scope.empty:
        return None
    now = clock.now()
    waiting = FollowUp.objects.filter(scope.q(), released_at__isnull=True, contacted_at__isnull=True)
    counts = waiting.aggregate(n=Count("pk"), late=Count("pk", filter=Q(contact_due_at__lt=now)))
    return Todo(
        "screening.contact",
        _("Arrivals and contacts to reach"),
        counts["n"],
        reverse("screening:followups") + "?state=active",
        overdue=counts["late"],
    )


def map_arrivals(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    if not covers(user, Cap.PASSAGE_VIEW, within):
        return {}
    counts = dict(
        ArrivalCount.objects.filter(jpath__startswith=within.path, day=clock.localdate(now))
        .values_list("jpath")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return sum_by_area(counts, areas)


def map_followups_overdue(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    if not covers(user, Cap.PASSAGE_VIEW, within):
        return {}
    counts = dict(
        FollowUp.objects.filter(
            jpath__startswith=within.path, released_at__isnull=True, contacted_at__isnull=True, contact_due_at__lt=now
        )
        .values_list("jpath")
        .annotate(n=Count("*"))
        .order_by()
    )
    return sum_by_area(counts, areas)


def checkpoint_points(user, area: Area) -> list[MapPoint]:
    if not covers(user, Cap.PASSAGE_VIEW, area):
        return []
    rows = Checkpoint.objects.filter(jpath__startswith=area.path, active=True, unit__lon__isnull=False).values_list(
        "name", "unit__lon", "unit__lat"
    )
    return [MapPoint(lon, lat, name) for name, lon, lat in rows]


# --- trends --------------------------------------------------------------------------------------------------


def _arrivals_series(user, area: Area, first: date, last: date, *, high: bool) -> dict[date, int] | None:
    if not covers(user, Cap.PASSAGE_VIEW, area):
        return None
    qs = ArrivalCount.objects.filter(jpath__startswith=area.path, day__gte=first, day__lte=last)
    if high:
        qs = qs.filter(level=RiskLevel.HIGH)
    return dict(qs.values_list("day").annotate(total=Sum("n")).order_by())


def trend_arrivals(user, area: Area, first: date, last: date) -> dict[date, int] | None:
    return _arrivals_series(user, area, first, last, high=False)


def trend_arrivals_high(user, area: Area, first: date, last: date) -> dict[date, int] | None:
    return _arrivals_series(user, area, first, last, high=True)


def recount_followups_opened():
    return daily.by_day(FollowUp.objects.all(), "opened_at")


def recount_followups_released():
    return daily.by_day(FollowUp.objects.filter(released_at__isnull=False), "released_at")
