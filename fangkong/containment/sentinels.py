"""Clinics and pharmacies as sentinels (哨点): they report fever patients, pre-screening triage and purchases of
fever, cough, antiviral and antibiotic drugs. A report about someone from a risk area (an open closed-loop case),
with a recent positive (a case, a pending recall, isolation) or in a sealed or controlled zone raises an alert for
their community. Hospitals keep an inpatient and escort register."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from pydantic import field_validator

from fangkong.core import clock, events
from fangkong.core.alerts import raise_alert
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.ids import InvalidDocument, clean_document, clean_phone, parse_doc_type
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for, unit_ids_for
from fangkong.registry.models import Jurisdiction, Person, Unit, jurisdictions_by_id
from fangkong.registry.selectors import person_holding
from fangkong.registry.services import person_record_visitor

from .events import SENTINEL_ALERT, SENTINEL_ALERT_RAISED, SentinelAlerted
from .models import Case, Escort, Inpatient, SentinelAlert, SentinelReport
from .selectors import inpatient_get
from .status import reason_text, status_of

ALERT_KINDS = {"followup", "case", "recall", "isolation"}
RECENT_POSITIVE_DAYS = 14


class Who(FormInput):
    """How a clinic identifies someone: their personal code, or their document (with name and phone for
    someone not yet in the register). The escort's form and the API's escort body."""

    person_code: str = ""  # the person's own code (scanned), or:
    document_type: str = ""

    @field_validator("person_code")
    @classmethod
    def _code_trimmed(cls, value: str) -> str:
        # A scanner's stray space or newline: a blank code means "by document", not "unknown code".
        return value.strip()

    document_number: str = ""
    name: str = ""  # as on the document: required with a document number (and for inpatients and escorts)
    phone: str = ""


class SentinelReportInput(Who):
    """A clinic's, fever clinic's or pharmacy's report: the API's body and the sentinel page's form."""

    kind: str  # fever | triage | purchase
    temperature: float | str | None = None
    symptoms: str = ""
    drugs: list[str] = []  # antipyretic | cough | antiviral | antibiotic
    unit_id: int | None = None  # when the reporter works at several units

    @property
    def who(self) -> Who:
        return Who(**self.model_dump(include=set(Who.model_fields)))


class InpatientAdmitInput(Who):
    """Admitting a patient to the hospital's register."""

    ward: str
    bed: str = ""
    unit_id: int | None = None

    @property
    def who(self) -> Who:
        return Who(**self.model_dump(include=set(Who.model_fields)))


def _unit_for(actor, unit_id: int | None, cap: str) -> Unit:
    units = unit_ids_for(actor, cap)
    if not units:
        raise Forbidden(cap)
    chosen = unit_id if unit_id is not None else min(units)
    if chosen not in units:
        raise NotFound
    return Unit.objects.select_related("jurisdiction").get(pk=chosen)


def _person(who: Who, unit: Unit, *, name_required: bool = False) -> tuple[Person, str]:
    """The person the clinic has in front of it, and their name as the clinic took it.

    What the clinic typed is checked before the register is read, and the same way whether or not the number is
    registered: the name is asked for every time (not "only if not in the register"), the phone is checked every
    time, and nothing of the register's record comes back — so the form cannot tell a clinic whether a number is
    registered, or under which name. A personal code is the person's own (shown by them, like at a scanner)."""
    name = " ".join((who.name or "").split())[:64]
    if who.person_code:
        if name_required and not name:
            raise FieldError("name", _("Give the patient's name."), code=Code.REQUIRED)
        from .scanning import status_for_code

        status = status_for_code(who.person_code)
        if status is None:
            raise FieldError("person_code", _("Unknown personal code."), code=Code.NOT_FOUND)
        return Person.objects.get(pk=status.person_id), name
    try:
        doc_type = parse_doc_type(who.document_type)
        number = clean_document(doc_type, who.document_number)
    except InvalidDocument as exc:
        raise FieldError("document_number", str(exc), code=exc.code) from exc
    if not name:
        raise FieldError("name", _("Give the name as on the document."), code=Code.REQUIRED)
    try:
        phone = clean_phone(who.phone) if (who.phone or "").strip() else ""
    except InvalidDocument as exc:
        raise FieldError("phone", str(exc), code=exc.code) from exc
    existing = person_holding(doc_type, number)
    if existing is not None:
        return existing, name
    community = unit.jurisdiction if unit.jurisdiction.level == Jurisdiction.Level.COMMUNITY else None
    person = person_record_visitor(
        name=name, doc_type=doc_type, number=number, phone=phone, place=unit.jurisdiction, community=community
    )
    return person, name


def _temperature(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        t = Decimal(str(value))
    except InvalidOperation as exc:
        raise FieldError("temperature", _("A temperature like 38.2."), code=Code.INVALID) from exc
    if not Decimal("34") <= t <= Decimal("43"):
        raise FieldError("temperature", _("A body temperature is between 34 and 43 °C."), code=Code.OUT_OF_RANGE)
    return t


@transaction.atomic
def sentinel_report(
    *,
    actor,
    kind: str,
    who: Who,
    temperature=None,
    symptoms: str = "",
    drugs: list[str] | None = None,
    unit_id: int | None = None,
) -> SentinelReport:
    """Record a report; raise an alert for the person's community if their status or history calls for one.
    Whether an alert was raised is the community's to know, not the reporter's: told to a clinic or a pharmacy it
    would say who is a case, a close contact or under closed-loop management to anyone who types a number."""
    unit = _unit_for(actor, unit_id, Cap.SENTINEL_REPORT)
    if kind not in SentinelReport.Kind.values:
        raise FieldError(
            "kind", _("A report is of a fever patient, a triage or a drug purchase."), code=Code.UNKNOWN_CHOICE
        )
    drugs = list(dict.fromkeys(drugs or []))
    if any(d not in SentinelReport.Drug.values for d in drugs):
        raise FieldError("drugs", _("Drugs are antipyretic, cough, antiviral or antibiotic."), code=Code.UNKNOWN_CHOICE)
    if kind == SentinelReport.Kind.PURCHASE and not drugs:
        raise FieldError("drugs", _("Say which drugs were bought."), code=Code.REQUIRED)
    temp = _temperature(temperature)
    person, _name = _person(who, unit)
    report = SentinelReport.objects.create(
        unit=unit,
        kind=kind,
        person=person,
        temperature=temp,
        symptoms=(symptoms or "").strip()[:200],
        drugs=drugs,
        reported_by=actor,
        jpath=unit.jpath,
    )
    audit_record(actor=actor, action="sentinel.report", obj=report, fields={"kind": kind, "person": person.pk})
    reason = _alert_reason(person)
    if reason:
        alert = SentinelAlert.objects.create(report=report, person=person, reason=reason[:300], jpath=person.jpath)
        audit_record(actor=actor, action="sentinel.alert", obj=alert, fields={"report": report.pk})
        events.emit(SENTINEL_ALERT, SentinelAlerted(alert_id=alert.pk, person_id=person.pk))
        community = jurisdictions_by_id().get(person.community_id or 0)
        raise_alert(
            kind=SENTINEL_ALERT_RAISED,
            subject=f"{unit.name} → {community.name if community else '—'}",
            jpath=person.jpath,
            link=reverse("containment:alerts"),
            ref=f"containment.sentinelalert:{alert.pk}",
        )
    return report


def _alert_reason(person: Person) -> str:
    status = status_of(person.pk)
    reasons = [
        reason_text(r)
        for r in status.reasons
        if r["kind"] in ALERT_KINDS or (r["kind"] == "zone" and r["colour"] != "green")
    ]
    recent = Case.objects.filter(
        person=person, released_at__gte=clock.now() - timedelta(days=RECENT_POSITIVE_DAYS)
    ).exists()
    if recent:
        reasons.append(_("Positive within the last %(n)d days") % {"n": RECENT_POSITIVE_DAYS})
    return "; ".join(reasons)


def alerts_visible(*, user, open_only: bool = True):
    qs = SentinelAlert.objects.filter(scope_for(user, Cap.STATUS_VIEW).q("jpath")).select_related(
        "person", "report", "report__unit"
    )
    if open_only:
        qs = qs.filter(handled_at__isnull=True)
    return qs.order_by("-raised_at")


@transaction.atomic
def alert_handle(*, actor, alert_id: int, note: str) -> SentinelAlert:
    alert = alerts_visible(user=actor, open_only=False).select_for_update(of=("self",)).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound
    if alert.handled_at is not None:
        raise FieldError("state", _("This alert is handled already."), code=Code.WRONG_STATE)
    if not (note or "").strip():
        raise FieldError("note", _("Say what was done (contacted, tested, transferred …)."), code=Code.REQUIRED)
    alert.handled_at, alert.handled_by, alert.note = clock.now(), actor, note.strip()[:300]
    alert.save(update_fields=["handled_at", "handled_by", "note"])
    audit_record(actor=actor, action="sentinel.alert_handle", obj=alert, reason=alert.note)
    return alert


# ---------------------------------------------------------------- inpatients and escorts


@transaction.atomic
def inpatient_admit(*, actor, who: Who, ward: str, bed: str = "", unit_id: int | None = None) -> Inpatient:
    unit = _unit_for(actor, unit_id, Cap.SENTINEL_REPORT)
    if not (ward or "").strip():
        raise FieldError("ward", _("Required."), code=Code.REQUIRED)
    person, name = _person(who, unit, name_required=True)
    if Inpatient.objects.filter(unit=unit, person=person, discharged_at__isnull=True).exists():
        raise FieldError("person", _("This person is already admitted here."), code=Code.DUPLICATE)
    patient = Inpatient.objects.create(
        unit=unit,
        person=person,
        name=name,
        ward=ward.strip()[:40],
        bed=(bed or "").strip()[:20],
        recorded_by=actor,
        jpath=unit.jpath,
    )
    audit_record(actor=actor, action="inpatient.admit", obj=patient, fields={"person": person.pk})
    return patient


@transaction.atomic
def inpatient_discharge(*, actor, inpatient_id: int) -> Inpatient:
    patient = inpatient_get(user=actor, inpatient_id=inpatient_id, for_update=True)
    if patient.discharged_at is not None:
        raise FieldError("state", _("Discharged already."), code=Code.WRONG_STATE)
    patient.discharged_at = clock.now()
    patient.save(update_fields=["discharged_at"])
    patient.escorts.filter(until__isnull=True).update(until=patient.discharged_at)
    audit_record(actor=actor, action="inpatient.discharge", obj=patient)
    return patient


@transaction.atomic
def escort_add(*, actor, inpatient_id: int, who: Who) -> Escort:
    """One escort at a time per patient (the ward rule during an outbreak): a new one ends the previous."""
    patient = inpatient_get(user=actor, inpatient_id=inpatient_id, for_update=True)
    if patient.discharged_at is not None:
        raise FieldError("state", _("The patient is discharged."), code=Code.WRONG_STATE)
    person, name = _person(who, patient.unit, name_required=True)
    now = clock.now()
    patient.escorts.filter(until__isnull=True).update(until=now)
    escort = Escort.objects.create(inpatient=patient, person=person, name=name, since=now)
    audit_record(actor=actor, action="inpatient.escort", obj=patient, fields={"escort": person.pk})
    return escort
