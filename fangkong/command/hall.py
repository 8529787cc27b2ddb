"""Command on the hall and the desk (registered in apps.py): tasks overdue by the level they went to, duty
today, report completeness, incidents with their countdown; on a desk, the tasks and reports due from this
person's post and the outcomes awaiting a second officer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.desk import Todo
from fangkong.core.hall import Area, Figure, MapPoint, covers, list_url, sum_by_area
from fangkong.core.roles import Cap
from fangkong.core.scoping import scope_for, unit_ids_for
from fangkong.incidents.models import Incident
from fangkong.incidents.services import next_due
from fangkong.registry.geo import centroid

from .directives import overdue_q, tasks_mine
from .models import DutyAssignment, DutyShift, Outcome, ReportAssignment, ReportSubmission, Task
from .reporting import due_now
from .supervision import reach_q


def indicators(user, area: Area, now: datetime) -> list[Figure]:
    if not covers(user, Cap.TASK_OVERSEE, area):
        return []
    within = Q(jpath__startswith=area.path)
    overdue = Task.objects.filter(within, overdue_q(now)).aggregate(
        n=Count("pk"),
        units=Count("pk", filter=Q(unit__isnull=False)),
        streets=Count("pk", filter=Q(jurisdiction__level="street")),
        communities=Count("pk", filter=Q(jurisdiction__level="community")),
        grids=Count("pk", filter=Q(jurisdiction__level="grid")),
    )
    tasks_url = list_url(reverse("command:directives"), area, state="overdue")
    today = clock.localdate(now)
    start = clock.start_of_day(today)
    shifts = list(
        DutyShift.objects.filter(within, starts_at__lt=start + timedelta(days=1), ends_at__gt=start).annotate(
            leaders=Count("assignments", filter=Q(assignments__role=DutyAssignment.Role.LEADER)),
            checked=Count("assignments", filter=Q(assignments__checked_in_at__isnull=False)),
        )
    )
    due = ReportAssignment.objects.filter(
        within, template__active=True, template__schedule="daily", since__lte=today
    ).count()
    filed = ReportSubmission.objects.filter(
        assignment__jpath__startswith=area.path, period=today, assignment__template__schedule="daily"
    ).count()
    incidents = list(
        Incident.objects.filter(within, closed_at__isnull=True).select_related("level").prefetch_related("reports")
    )
    dues = [d for i in incidents if (d := next_due(i, now)) is not None]
    soonest = min((d.minutes_left for d in dues), default=None)
    incidents_url = list_url(reverse("command:incidents"), area)
    duty_url = list_url(reverse("command:duty"), area)
    reports_url = list_url(reverse("command:report_overview"), area)
    return [
        Figure("tasks_overdue", _("Tasks overdue"), overdue["n"], url=tasks_url, tone="bad"),
        Figure(
            "tasks_overdue_by_level",
            _("Tasks overdue by level"),
            {
                "street": overdue["streets"],
                "community": overdue["communities"],
                "grid": overdue["grids"],
                "unit": overdue["units"],
            },
            tile=False,
            url=tasks_url,
        ),
        Figure(
            "duty_leaders",
            _("Shifts today with a leader on duty"),
            sum(1 for s in shifts if s.leaders),
            url=duty_url,
        ),
        Figure(
            "duty_unmanned",
            _("Shifts today without a leader"),
            sum(1 for s in shifts if not s.leaders),
            url=duty_url,
            tone="bad",
        ),
        Figure(
            "duty_nobody_in",
            _("Shifts running with nobody checked in"),
            sum(1 for s in shifts if not s.checked and s.starts_at <= now < s.ends_at),
            url=duty_url,
            tone="bad",
        ),
        Figure("reports_due", _("Daily reports due today"), due, url=reports_url),
        Figure("reports_filed", _("Daily reports filed today"), filed, url=reports_url),
        Figure("incidents_open", _("Incidents open"), len(incidents), url=incidents_url, tone="warn"),
        Figure(
            "incidents_late",
            _("Incident reports late"),
            sum(1 for d in dues if d.late),
            url=incidents_url,
            tone="bad",
        ),
        Figure(
            "incident_next_minutes",
            _("Minutes to the next incident report"),
            soonest,
            tile=False,
            url=reverse("command:incidents"),
        ),
    ]


def tasks_to_do(user) -> Todo | None:
    if scope_for(user, Cap.TASK_WORK).empty and not unit_ids_for(user, Cap.TASK_WORK):
        return None
    open_ = tasks_mine(user=user).exclude(state=Task.State.DONE)
    counts = open_.aggregate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=clock.now())))
    return Todo("command.tasks", _("Tasks to carry out"), counts["n"], reverse("command:tasks"), overdue=counts["late"])


def reports_to_file(user) -> Todo | None:
    rows = due_now(user=user)
    if not rows:
        return None
    now = clock.now()
    waiting = [(a, at) for a, at, filed in rows if filed is None]
    return Todo(
        "command.reports",
        _("Reports to file"),
        len(waiting),
        reverse("command:reports"),
        overdue=sum(1 for _a, at in waiting if at < now),
    )


def outcomes_to_decide(user) -> Todo | None:
    if scope_for(user, Cap.ACCOUNTABILITY_APPROVE).empty and not unit_ids_for(user, Cap.ACCOUNTABILITY_APPROVE):
        return None
    reach = reach_q(user, "finding__jpath")
    if reach is None:
        return None
    n = Outcome.objects.filter(reach, state=Outcome.State.PROPOSED).exclude(proposed_by=user).count()
    return Todo("command.outcomes", _("Accountability outcomes to decide"), n, reverse("command:supervision"))


def map_tasks_overdue(user, within: Area, areas: list[Area], now: datetime) -> dict[int, int]:
    if not covers(user, Cap.TASK_OVERSEE, within):
        return {}
    counts = dict(
        Task.objects.filter(overdue_q(now), jpath__startswith=within.path)
        .values_list("jpath")
        .annotate(n=Count("*"))
        .order_by()
    )
    return sum_by_area(counts, areas)


def incident_points(user, area: Area) -> list[MapPoint]:
    """Open incidents, at the middle of the jurisdiction they happened in."""
    if not covers(user, Cap.TASK_OVERSEE, area):
        return []
    rows = Incident.objects.filter(jpath__startswith=area.path, closed_at__isnull=True).select_related("jurisdiction")
    out = []
    for incident in rows:
        middle = centroid(incident.jurisdiction)
        if middle is not None:
            out.append(MapPoint(middle[0], middle[1], incident.title, reverse("command:incident", args=[incident.pk])))
    return out
