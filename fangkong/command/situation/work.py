"""The daily report's sections on work safety, emergencies, duty and reporting: hazards (safety, below command),
incidents (incidents, below command), and command's own duty rooms and daily reports."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from fangkong.core import clock

from .contract import Compiled, Facts, Kind, Tables, TableSpec, bilingual, bounds, choice, number

# --- hazards ---------------------------------------------------------------------------------------------------


def _hazards(day: date) -> Compiled:
    from fangkong.safety.models import Hazard

    start, end = bounds(day)
    open_ = Hazard.objects.exclude(state=Hazard.State.CLOSED)
    by_state = {
        state: (general, major)
        for state, general, major in open_.values_list("state")
        .annotate(
            general=Count("pk", filter=Q(grade=Hazard.Grade.GENERAL)),
            major=Count("pk", filter=Q(grade=Hazard.Grade.MAJOR)),
        )
        .values_list("state", "general", "major")
        .order_by()
    }
    facts = {
        "found": Hazard.objects.filter(found_at__gte=start, found_at__lt=end).count(),
        "closed": Hazard.objects.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "open": sum(g + m for g, m in by_state.values()),
        "major": sum(m for _g, m in by_state.values()),
        "overdue": open_.exclude(state=Hazard.State.ACCEPTED).filter(deadline__lt=end).count(),
    }
    states = [s for s in Hazard.State.values if s in by_state] + [s for s in by_state if s not in Hazard.State.values]
    return Compiled(facts=facts, tables={"open": [[s, *by_state[s]] for s in states]})


def _hazards_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "Today %(found)s hazards were found and %(closed)s closed; %(open)s remain open, %(major)s of them major and"
        " %(overdue)s past their deadline."
    ) % {k: number(f[k]) for k in ("found", "closed", "open", "major", "overdue")}


def _hazards_kind() -> Kind:
    from fangkong.safety.models import Hazard

    return Kind(
        key="hazards",
        title=gettext_lazy("Work-safety hazards"),
        compute=_hazards,
        facts=(
            ("found", gettext_lazy("Hazards found today")),
            ("closed", gettext_lazy("Closed today")),
            ("open", gettext_lazy("Open hazards")),
            ("major", gettext_lazy("Of which major")),
            ("overdue", gettext_lazy("Past their deadline")),
        ),
        sentence=_hazards_sentence,
        tables=(
            TableSpec(
                "open",
                gettext_lazy("Open hazards by stage"),
                (gettext_lazy("Stage"), *[label for _g, label in Hazard.Grade.choices]),
                choice(Hazard.State),
            ),
        ),
        chart="hazards",
    )


# --- incidents -------------------------------------------------------------------------------------------------


def _incidents(day: date) -> Compiled:
    from fangkong.incidents.models import Incident

    start, end = bounds(day)
    today = Incident.objects.filter(known_at__gte=start, known_at__lt=end)
    facts = {
        "reported": today.count(),
        "open": Incident.objects.filter(closed_at__isnull=True).count(),
        "closed": Incident.objects.filter(closed_at__gte=start, closed_at__lt=end).count(),
    }
    # An event's level (一般, 较大 …) and place are the district's data, stored as they read on the day.
    rows = today.order_by("known_at", "pk").values_list("level__name", "level__name_en", "jurisdiction__name", "title")
    return Compiled(
        facts=facts, tables={"today": [[bilingual(lv, en), where, title] for lv, en, where, title in rows[:50]]}
    )


def _incidents_sentence(f: Facts, tables: Tables) -> str:
    return _("Today %(reported)s incidents were reported and %(closed)s closed; %(open)s remain open.") % {
        k: number(f[k]) for k in ("reported", "closed", "open")
    }


def _incidents_kind() -> Kind:
    return Kind(
        key="incidents",
        title=gettext_lazy("Emergencies"),
        compute=_incidents,
        facts=(
            ("reported", gettext_lazy("Reported today")),
            ("closed", gettext_lazy("Closed today")),
            ("open", gettext_lazy("Incidents open")),
        ),
        sentence=_incidents_sentence,
        tables=(
            TableSpec(
                "today",
                gettext_lazy("Incidents reported today"),
                (gettext_lazy("Level"), gettext_lazy("Where"), gettext_lazy("Title")),
            ),
        ),
    )


# --- duty ------------------------------------------------------------------------------------------------------


def _duty(day: date) -> Compiled:
    from ..models import DutyAssignment, DutyShift

    start, end = bounds(day)
    shifts = list(
        DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("jurisdiction", "unit")
        .prefetch_related("assignments__user")
        .order_by("jpath", "starts_at")
    )
    now = clock.now()
    rows, no_leader, nobody_in = [], 0, 0
    for shift in shifts:
        people = list(shift.assignments.all())
        leaders = [a.user for a in people if a.role == DutyAssignment.Role.LEADER]
        checked = sum(1 for a in people if a.checked_in_at is not None)
        no_leader += not leaders
        nobody_in += not checked and shift.starts_at <= now
        names = "、".join(u.get_full_name() or u.get_username() for u in leaders)  # names are the district's data
        officers = sum(1 for a in people if a.role == DutyAssignment.Role.OFFICER)
        rows.append([shift.post.name, names or "—", officers, checked])
    facts = {"shifts": len(shifts), "no_leader": no_leader, "nobody_in": nobody_in}
    return Compiled(facts=facts, tables={"rooms": rows})


def _duty_sentence(f: Facts, tables: Tables) -> str:
    return _(
        "%(shifts)s duty rooms kept 24-hour duty today; %(no_leader)s had no leader on duty and %(nobody_in)s"
        " nobody checked in."
    ) % {k: number(f[k]) for k in ("shifts", "no_leader", "nobody_in")}


def _duty_kind() -> Kind:
    return Kind(
        key="duty",
        title=pgettext_lazy("report section", "Duty"),
        compute=_duty,
        facts=(
            ("shifts", gettext_lazy("Shifts")),
            ("no_leader", gettext_lazy("Without a leader on duty")),
            ("nobody_in", gettext_lazy("Nobody checked in")),
        ),
        sentence=_duty_sentence,
        tables=(
            TableSpec(
                "rooms",
                gettext_lazy("Duty rooms today"),
                (
                    gettext_lazy("Duty room"),
                    gettext_lazy("Leader on duty"),
                    gettext_lazy("Duty officers"),
                    gettext_lazy("Checked in"),
                ),
            ),
        ),
    )


# --- reports ---------------------------------------------------------------------------------------------------


def _reports(day: date) -> Compiled:
    from ..models import ReportAssignment, ReportSubmission

    due = ReportAssignment.objects.filter(template__active=True, template__schedule="daily", since__lte=day)
    filed = ReportSubmission.objects.filter(period=day, assignment__template__schedule="daily")
    facts = {
        "due": due.count(),
        "filed": filed.count(),
        "zero": filed.filter(zero=True).count(),
        "late": sum(1 for s in filed.only("submitted_at", "due_at") if s.submitted_at > s.due_at),
    }
    missing = (
        due.exclude(pk__in=filed.values("assignment_id"))
        .select_related("template", "jurisdiction", "unit")
        .order_by("template__name", "jpath")[:100]
    )
    return Compiled(facts=facts, tables={"missing": [[a.template.name, a.reporter.name] for a in missing]})


def _reports_sentence(f: Facts, tables: Tables) -> str:
    return _("%(filed)s of the %(due)s daily reports due were filed today (%(zero)s zero reports, %(late)s late).") % {
        k: number(f[k]) for k in ("filed", "due", "zero", "late")
    }


def _reports_kind() -> Kind:
    return Kind(
        key="reports",
        title=gettext_lazy("Reporting"),
        compute=_reports,
        facts=(
            ("due", gettext_lazy("Daily reports due")),
            ("filed", gettext_lazy("Filed")),
            ("zero", gettext_lazy("Zero reports")),
            ("late", gettext_lazy("Filed late")),
        ),
        sentence=_reports_sentence,
        tables=(
            TableSpec(
                "missing",
                gettext_lazy("Daily reports not filed"),
                (pgettext_lazy("report template", "Report"), gettext_lazy("Reporter")),
            ),
        ),
    )


def kinds() -> list[Kind]:
    return [_hazards_kind(), _incidents_kind(), _duty_kind(), _reports_kind()]
