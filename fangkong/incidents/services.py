"""Incident fast reports: initial → numbered follow-ups → final, in that order; each due within its level's
limits, counted down from when the event became known (derived from the clock, shown as a countdown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.bilingual import in_reader_language_later
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.inbox import notify, words
from fangkong.core.navigation import link_for
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for
from fangkong.registry.models import Jurisdiction
from fangkong.registry.selectors import district_users

from .models import Incident, IncidentLevel, IncidentReport

# code, name, initial report within (minutes), follow-up every (hours), rank, name in English
DEFAULT_LEVELS = [
    ("I", "特别重大", 30, 4, 1, "Particularly serious"),
    ("II", "重大", 30, 8, 2, "Serious"),
    ("III", "较大", 60, 12, 3, "Relatively serious"),
    ("IV", "一般", 60, 24, 4, "General"),
]


class IncidentReportInitialInput(FormInput):
    """The first written report, which opens an incident: the duty desk's API body and its page's form."""

    title: str
    level: str  # I | II | III | IV (data: /incidents/levels)
    occurred_at: Moment
    known_at: Moment | None = None  # when the duty room learned of it, if earlier than now
    jurisdiction_id: int
    text: str  # the initial written report


class IncidentReportAddInput(FormInput):
    """A follow-up or the final report."""

    kind: str  # followup | final
    text: str


def ensure_levels() -> None:
    """The default levels where the table is empty: run after migrate (core.defaults), never on a read."""
    if not IncidentLevel.objects.exists():
        IncidentLevel.objects.bulk_create(
            IncidentLevel(code=c, name=n, name_en=en, initial_minutes=m, followup_hours=h, rank=r)
            for c, n, m, h, r, en in DEFAULT_LEVELS
        )


@transaction.atomic
def incident_report_initial(
    *,
    actor,
    title: str,
    level: str,
    occurred_at: datetime,
    jurisdiction_id: int,
    text: str,
    known_at: datetime | None = None,
) -> Incident:
    """The first written report of an event (`known_at`: when the duty room learned of it, by phone perhaps —
    the level's limit for the written report runs from then); HQ is told at once."""
    place = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if place is None or not scope_for(actor, Cap.TASK_WORK).covers(place.path):
        raise NotFound
    return incident_open(
        actor=actor, title=title, level=level, occurred_at=occurred_at, place=place, text=text, known_at=known_at
    )


@transaction.atomic
def incident_open(
    *,
    actor,
    title: str,
    level: str,
    occurred_at: datetime,
    place: Jurisdiction,
    text: str,
    known_at: datetime | None = None,
    link: str = "",
) -> Incident:
    """Open an incident with its initial report, for callers that have checked the actor may (a duty room here;
    an enterprise reporting an accident in work safety, which holds a unit role, not a jurisdiction one)."""
    lvl = IncidentLevel.objects.filter(code=level).first()
    if lvl is None:
        raise FieldError("level", _("Unknown event level."), code=Code.UNKNOWN_CHOICE)
    if not (title or "").strip():
        raise FieldError("title", _("Give the event a title."), code=Code.REQUIRED)
    now = clock.now()
    if occurred_at > now + timedelta(minutes=5):
        raise FieldError("occurred_at", _("An event cannot have occurred in the future."), code=Code.IN_FUTURE)
    known = known_at or now
    if known > now:
        raise FieldError("known_at", _("Known after it occurred, and not in the future."), code=Code.IN_FUTURE)
    if known < occurred_at:
        raise FieldError("known_at", _("Known after it occurred, and not in the future."), code=Code.END_BEFORE_START)
    if not (text or "").strip():
        raise FieldError(
            "text", _("Write the initial report: what, where, when, casualties, measures taken."), code=Code.REQUIRED
        )
    incident = Incident.objects.create(
        title=title.strip()[:200],
        level=lvl,
        occurred_at=occurred_at,
        known_at=known,
        jurisdiction=place,
        created_by=actor,
        jpath=place.path,
    )
    IncidentReport.objects.create(incident=incident, kind=IncidentReport.Kind.INITIAL, text=text.strip(), author=actor)
    audit_record(actor=actor, action="incident.initial", obj=incident, fields={"level": lvl.code})
    notify(
        district_users(Cap.SITUATION_APPROVE),
        title=words(
            gettext_lazy("Incident (%(l)s): %(t)s"), l=in_reader_language_later(lvl.name, lvl.name_en), t=incident.title
        ),
        link=link or link_for("incident", incident),  # the incident's page, where a higher app registered one
    )
    return incident


@transaction.atomic
def incident_report_add(*, actor, incident_id: int, kind: str, text: str) -> IncidentReport:
    """A numbered follow-up, or the final report (which closes the incident)."""
    incident = incidents_visible(user=actor).select_for_update(of=("self",)).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound
    if not scope_for(actor, Cap.TASK_WORK).covers(incident.jpath):
        raise Forbidden(Cap.TASK_WORK)
    return incident_append(actor=actor, incident=incident, kind=kind, text=text)


@transaction.atomic
def incident_append(*, actor, incident: Incident, kind: str, text: str) -> IncidentReport:
    """A follow-up or the final report on a locked incident, for callers that have checked the actor may."""
    if incident.closed_at is not None:
        raise FieldError("kind", _("The final report is in: the incident is closed."), code=Code.WRONG_STATE)
    if kind not in (IncidentReport.Kind.FOLLOWUP, IncidentReport.Kind.FINAL):
        raise FieldError(
            "kind", _("A follow-up or the final report (the initial one opens the incident)."), code=Code.UNKNOWN_CHOICE
        )
    if not (text or "").strip():
        raise FieldError("text", _("Write the report."), code=Code.REQUIRED)
    number = 0
    if kind == IncidentReport.Kind.FOLLOWUP:
        number = incident.reports.filter(kind=kind).count() + 1
    try:
        with transaction.atomic():
            report = IncidentReport.objects.create(
                incident=incident, kind=kind, number=number, text=text.strip(), author=actor
            )
    except IntegrityError as exc:  # two clerks sending follow-up n at once
        raise FieldError("kind", _("This report was just filed by someone else; reload."), code=Code.DUPLICATE) from exc
    if kind == IncidentReport.Kind.FINAL:
        incident.closed_at = report.at
        incident.save(update_fields=["closed_at"])
    audit_record(actor=actor, action=f"incident.{kind}", obj=incident, fields={"number": number})
    return report


def incidents_visible(*, user) -> QuerySet[Incident]:
    scope = scope_for(user, Cap.TASK_WORK)
    return Incident.objects.filter(scope.q("jpath")).select_related("level", "jurisdiction").order_by("-known_at")


@dataclass
class Due:
    what: str
    at: datetime
    late: bool
    minutes_left: int


def next_due(incident: Incident, now: datetime | None = None) -> Due | None:
    """The next report due and the countdown to it (negative: late)."""
    if incident.closed_at is not None:
        return None
    now = now or clock.now()
    reports = list(incident.reports.all())
    if not reports:
        at, what = incident.known_at + timedelta(minutes=incident.level.initial_minutes), "initial"
    else:
        last = max(r.at for r in reports)
        at, what = last + timedelta(hours=incident.level.followup_hours), "followup"
    minutes = int((at - now).total_seconds() // 60)
    return Due(what=what, at=at, late=minutes < 0, minutes_left=minutes)


def timing(incident: Incident) -> dict:
    """What every view of an incident shows of its time limits (its reports prefetched, for lists)."""
    due = next_due(incident)
    return {
        "closed": incident.closed_at is not None,
        "initial_late_minutes": initial_late_minutes(incident),
        "next_due": due.at if due else None,
        "minutes_left": due.minutes_left if due else None,
    }


def initial_late_minutes(incident: Incident) -> int:
    """How late the initial written report came (0: in time)."""
    initial = next((r for r in incident.reports.all() if r.kind == IncidentReport.Kind.INITIAL), None)
    if initial is None:
        return 0
    due = incident.known_at + timedelta(minutes=incident.level.initial_minutes)
    return max(0, int((initial.at - due).total_seconds() // 60))


@transaction.atomic
def level_update(
    *, actor, code: str, name: str, initial_minutes: int, followup_hours: int, rank: int, name_en: str = ""
) -> IncidentLevel:
    """District HQ sets an event level's limits (or adds a level); audited with before and after. The English name
    is optional: a reader in English reads the Chinese where it is blank."""
    if not scope_for(actor, Cap.SITUATION_APPROVE).district_wide:
        raise Forbidden(Cap.SITUATION_APPROVE)
    if not 5 <= initial_minutes <= 24 * 60:
        raise FieldError("initial_minutes", _("From 5 minutes to a day."), code=Code.OUT_OF_RANGE)
    if not 1 <= followup_hours <= 168:
        raise FieldError("followup_hours", _("From 1 hour to a week."), code=Code.OUT_OF_RANGE)
    if not (name or "").strip() or not (code or "").strip():
        raise FieldError("name", _("Name the level."), code=Code.REQUIRED)
    row = IncidentLevel.objects.select_for_update().filter(code=code).first()
    kept = ("name", "name_en", "initial_minutes", "followup_hours")
    before = {f: getattr(row, f) for f in kept} if row else {}
    row = row or IncidentLevel(code=code[:8])
    row.name, row.initial_minutes, row.followup_hours, row.rank = (
        name.strip()[:40],
        initial_minutes,
        followup_hours,
        rank,
    )
    row.name_en = " ".join((name_en or "").split())[:60]
    row.save()
    audit_record(
        actor=actor,
        action="incident.level_update",
        object_type="command.incidentlevel",
        object_id=row.pk,
        object_repr=row.name,
        fields={"before": before, "after": {f: getattr(row, f) for f in kept}},
    )
    return row
