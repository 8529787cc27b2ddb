"""Clinics and pharmacies as sentinels; the inpatient and escort register."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import idempotent
from fangkong.core.forms import NoteInput
from fangkong.registry.api import PersonRef, person_ref

from .. import sentinels
from . import ERRORS, router


class SentinelOut(Schema):
    id: int
    kind: str


@router.post("/sentinel-reports", response={200: SentinelOut, 201: SentinelOut, **ERRORS})
def sentinel_create(request, payload: sentinels.SentinelReportInput):
    """A clinic, fever clinic or pharmacy reports. Needs an Idempotency-Key header (a retried report is recorded
    once). The reply is the same whoever the person is: whether their community was alerted is the community's
    business (told to the reporter, it would say who is a case or a close contact)."""

    def run():
        report = sentinels.sentinel_report(
            actor=request.user,
            kind=payload.kind,
            who=payload.who,
            temperature=payload.temperature,
            symptoms=payload.symptoms,
            drugs=payload.drugs,
            unit_id=payload.unit_id,
        )
        return 201, {"id": report.pk, "kind": report.kind}

    return Status(*idempotent(request, "sentinel", run, replay_status=200, fingerprint=request.body, required=True))


class AlertOut(Schema):
    id: int
    person: PersonRef
    reason: str
    report_kind: str
    reported_by_unit: str
    raised_at: datetime
    handled_at: datetime | None
    note: str


def _alert(a) -> dict:
    return {
        "id": a.pk,
        "person": person_ref(a.person),
        "reason": a.reason,
        "report_kind": a.report.kind,
        "reported_by_unit": a.report.unit.name,
        "raised_at": a.raised_at,
        "handled_at": a.handled_at,
        "note": a.note,
    }


@router.get("/sentinel-alerts", response={200: list[AlertOut], **ERRORS})
def alert_list(request, open_only: bool = True):
    """Alerts for the people in the caller's jurisdiction (their community acts on them)."""
    return [_alert(a) for a in sentinels.alerts_visible(user=request.user, open_only=open_only)[:500]]


@router.post("/sentinel-alerts/{int:alert_id}/handle", response={200: AlertOut, **ERRORS})
def alert_handle(request, alert_id: int, payload: NoteInput):
    return _alert(sentinels.alert_handle(actor=request.user, alert_id=alert_id, note=payload.note))


class PatientRef(Schema):
    """A patient or escort as the hospital registered them: the name it took, nothing from the population
    register (no id, no registered name: those would confirm who is registered under a number)."""

    name: str


class InpatientOut(Schema):
    id: int
    person: PatientRef
    ward: str
    bed: str
    admitted_at: datetime
    discharged_at: datetime | None
    escort: PatientRef | None


def _inpatient(p) -> dict:
    escort = next((e for e in p.escorts.all() if e.until is None), None)
    return {
        "id": p.pk,
        "person": {"name": p.name},
        "ward": p.ward,
        "bed": p.bed,
        "admitted_at": p.admitted_at,
        "discharged_at": p.discharged_at,
        "escort": {"name": escort.name} if escort else None,
    }


@router.post("/inpatients", response={201: InpatientOut, **ERRORS})
def inpatient_create(request, payload: sentinels.InpatientAdmitInput):
    """The hospital's inpatient register: admit."""
    patient = sentinels.inpatient_admit(
        actor=request.user, who=payload.who, ward=payload.ward, bed=payload.bed, unit_id=payload.unit_id
    )
    return Status(201, _inpatient(patient))


@router.post("/inpatients/{int:inpatient_id}/discharge", response={200: InpatientOut, **ERRORS})
def inpatient_discharge(request, inpatient_id: int):
    return _inpatient(sentinels.inpatient_discharge(actor=request.user, inpatient_id=inpatient_id))


@router.post("/inpatients/{int:inpatient_id}/escorts", response={201: InpatientOut, **ERRORS})
def escort_create(request, inpatient_id: int, payload: sentinels.Who):
    """The patient's escort (one at a time: a new one ends the previous one's stay)."""
    escort = sentinels.escort_add(actor=request.user, inpatient_id=inpatient_id, who=payload)
    return Status(201, _inpatient(escort.inpatient))
