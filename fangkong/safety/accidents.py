"""Accident reports (生产安全事故报告): the enterprise (or a regulator on the spot) reports an accident to the
district regulator within the time limit of its grade, then follows up and files the final report.

The reports are the command module's incident reports, so the duty room, the daily situation report and the
regulator read one record: the grade follows art. 3 of the State Council's regulation (生产安全事故报告和调查处理
条例) from deaths, serious injuries and direct economic loss, and maps onto command's event levels I–IV, whose
time limits district HQ configures. Casualties that change in a follow-up (art. 13: within 30 days) re-grade the
accident upwards, never downwards, on the record."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.dates import Moment
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound

from .events import ACCIDENT_ALERT
from .models import Accident
from .selectors import enterprises_visible, reach_q, role_of, supervising_departments

# (level, deaths ≥, serious injuries ≥, direct loss ≥ in 10,000 yuan): 特别重大, 重大, 较大; otherwise 一般 (IV).
GRADES = [("I", 30, 100, 10000), ("II", 10, 50, 5000), ("III", 3, 10, 1000)]
LEVEL_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


class AccidentReportInput(FormInput):
    """The initial report, from the API's body or the accidents page's form (`accident_report` takes its
    values)."""

    enterprise_id: int
    kind: str  # fire | explosion | poisoning | fall | struck | machinery | electric | collapse | vehicle | other
    occurred_at: Moment
    known_at: Moment | None = None  # when the enterprise's principal learned of it: the time limit runs from then
    text: str  # what, where, when, casualties, measures taken
    deaths: int = 0
    serious_injuries: int = 0
    missing: int = 0
    economic_loss: Decimal = Decimal(0)  # direct, in 10,000 yuan


class AccidentFollowupInput(FormInput):
    """A follow-up or, with `final`, the final report; a count left out stays as it was."""

    text: str
    final: bool = False
    deaths: int | None = None
    serious_injuries: int | None = None
    missing: int | None = None
    economic_loss: Decimal | None = None


def grade_of(*, deaths: int, serious_injuries: int, economic_loss: Decimal) -> str:
    for level, d, i, loss in GRADES:
        if deaths >= d or serious_injuries >= i or economic_loss >= loss:
            return level
    return "IV"


def _counts(deaths, serious_injuries, missing, economic_loss) -> tuple[int, int, int, Decimal]:
    out = []
    for name, value in (("deaths", deaths), ("serious_injuries", serious_injuries), ("missing", missing)):
        try:
            n = int(value or 0)
        except (TypeError, ValueError):
            raise FieldError(name, _("A number of people, 0 or more."), code=Code.INVALID) from None
        if not 0 <= n <= 100000:
            raise FieldError(name, _("A number of people, 0 or more."), code=Code.OUT_OF_RANGE)
        out.append(n)
    message = _("The direct economic loss in 10,000 yuan, 0 or more.")
    try:
        loss = Decimal(str(economic_loss or 0))
    except InvalidOperation:
        raise FieldError("economic_loss", message, code=Code.INVALID) from None
    if not loss.is_finite():
        raise FieldError("economic_loss", message, code=Code.INVALID)
    if loss < 0 or loss >= Decimal("1e10"):
        raise FieldError("economic_loss", message, code=Code.OUT_OF_RANGE)
    return out[0], out[1], out[2], loss.quantize(Decimal("0.01"))


def _regulators(enterprise) -> list:
    """The district regulator: the departments supervising the enterprise and district HQ's work-safety staff."""
    from fangkong.registry.selectors import district_users, users_with_cap

    depts = supervising_departments([enterprise])[enterprise.pk]
    at_depts = users_with_cap(Cap.SAFETY_REGULATE, unit_ids=depts)
    return [u for users in at_depts.values() for u in users] + district_users(Cap.SAFETY_REGULATE)


def can_report_accident(user, enterprise) -> bool:
    """Who reports an accident at an enterprise and follows it up: the enterprise or its regulator (the services'
    check; the pages offer their forms to them alone)."""
    return bool(role_of(user, enterprise))


@transaction.atomic
def accident_report(
    *,
    actor,
    enterprise_id: int,
    kind: str,
    occurred_at: datetime,
    text: str,
    known_at: datetime | None = None,
    deaths: int = 0,
    serious_injuries: int = 0,
    missing: int = 0,
    economic_loss: Decimal | str | int = 0,
) -> Accident:
    """The initial report: what happened, where, when, the casualties so far and the measures taken."""
    from fangkong.core.bilingual import in_reader_language_later
    from fangkong.core.inbox import notify, words
    from fangkong.incidents.services import incident_open

    enterprise = enterprises_visible(user=actor).select_related("jurisdiction").filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound
    if not can_report_accident(actor, enterprise):
        raise Forbidden(_("The enterprise or its regulator reports an accident."))
    if kind not in Accident.Kind.values:
        raise FieldError("kind", _("Choose the kind of accident."), code=Code.UNKNOWN_CHOICE)
    if occurred_at is None:
        raise FieldError("occurred_at", _("When did it happen?"), code=Code.REQUIRED)
    d, i, m, loss = _counts(deaths, serious_injuries, missing, economic_loss)
    level = grade_of(deaths=d, serious_injuries=i, economic_loss=loss)
    title = _("%(e)s: %(k)s") % {"e": enterprise.name, "k": Accident.Kind(kind).label}
    incident = incident_open(
        actor=actor,
        title=title,
        level=level,
        occurred_at=occurred_at,
        place=enterprise.jurisdiction,
        text=text,
        known_at=known_at,
    )
    accident = Accident.objects.create(
        enterprise=enterprise,
        incident=incident,
        kind=kind,
        deaths=d,
        serious_injuries=i,
        missing=m,
        economic_loss=loss,
        reported_by=actor,
        jpath=enterprise.jpath,
    )
    audit_record(
        actor=actor,
        action="safety.accident",
        obj=accident,
        fields={"level": level, "deaths": d, "serious_injuries": i, "missing": m},
    )
    level_name = in_reader_language_later(incident.level.name, incident.level.name_en)  # in each reader's language
    notify(
        _regulators(enterprise),
        title=words(gettext_lazy("Accident (%(l)s): %(t)s"), l=level_name, t=title),
        body=words(gettext_lazy("Deaths %(d)s, serious injuries %(i)s, missing %(m)s."), d=d, i=i, m=m),
        link=f"/safety/accidents/{accident.pk}/",
    )
    raise_alert(
        kind=ACCIDENT_ALERT,
        subject=words("%(e)s · %(l)s · %(t)s", e=enterprise.name, l=level_name, t=title[:60]),
        jpath=accident.jpath,
        link=f"/safety/accidents/{accident.pk}/",
        ref=f"safety.accident:{accident.pk}",
    )
    return accident


@transaction.atomic
def accident_followup(
    *,
    actor,
    accident_id: int,
    text: str,
    final: bool = False,
    deaths: int | None = None,
    serious_injuries: int | None = None,
    missing: int | None = None,
    economic_loss: Decimal | str | int | None = None,
) -> Accident:
    """A numbered follow-up (or the final report), with the casualties as now known (补报): a higher grade moves
    the incident to that level, recorded in the report's text and the audit."""
    from fangkong.incidents.models import Incident, IncidentLevel
    from fangkong.incidents.services import incident_append

    accident = accidents_visible(user=actor).filter(pk=accident_id).first()
    if accident is None:
        raise NotFound
    if not can_report_accident(actor, accident.enterprise):
        raise Forbidden(_("The enterprise or its regulator reports an accident."))
    incident = Incident.objects.select_for_update().select_related("level").get(pk=accident.incident_id)
    d, i, m, loss = _counts(
        accident.deaths if deaths is None else deaths,
        accident.serious_injuries if serious_injuries is None else serious_injuries,
        accident.missing if missing is None else missing,
        accident.economic_loss if economic_loss is None else economic_loss,
    )
    changes = {
        k: (old, new)
        for k, old, new in (
            ("deaths", accident.deaths, d),
            ("serious_injuries", accident.serious_injuries, i),
            ("missing", accident.missing, m),
            ("economic_loss", accident.economic_loss, loss),
        )
        if old != new
    }
    note = (text or "").strip()
    if changes:
        note += "\n" + _("Casualties now: deaths %(d)s, serious injuries %(i)s, missing %(m)s; loss %(l)s.") % {
            "d": d,
            "i": i,
            "m": m,
            "l": loss,
        }
    level = grade_of(deaths=d, serious_injuries=i, economic_loss=loss)
    regraded = LEVEL_RANK[level] < LEVEL_RANK.get(incident.level.code, 4)
    if regraded:
        incident.level = IncidentLevel.objects.get(code=level)
        incident.save(update_fields=["level"])
        note += "\n" + _("Re-graded to %(l)s.") % {"l": incident.level.label}
    incident_append(actor=actor, incident=incident, kind="final" if final else "followup", text=note if text else "")
    accident.deaths, accident.serious_injuries, accident.missing, accident.economic_loss = d, i, m, loss
    accident.save(update_fields=["deaths", "serious_injuries", "missing", "economic_loss"])
    audit_record(
        actor=actor,
        action="safety.accident_followup",
        obj=accident,
        fields={
            "final": final,
            "changes": {k: [str(a), str(b)] for k, (a, b) in changes.items()},
            "level": incident.level.code,
        },
    )
    return accident


def accidents_visible(*, user) -> QuerySet[Accident]:
    """Accidents of the enterprises in the caller's reach (the same reach as for hazards)."""
    return (
        Accident.objects.filter(reach_q(user, via="enterprise__"))
        .select_related("enterprise", "incident", "incident__level")
        .prefetch_related("incident__reports")  # the reports and the countdown of each, in one more query
        .order_by("-incident__known_at")
    )
