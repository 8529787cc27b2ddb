"""Incident fast reports and their levels; the responsibility chain."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.incidents import services as incidents
from fangkong.incidents.models import IncidentLevel

from .. import chain
from . import ERRORS, router

# ---------------------------------------------------------------- incident fast reports


class IncidentOut(Schema):
    id: int
    title: str
    level: str
    occurred_at: datetime
    reports: int
    closed: bool
    initial_late_minutes: int
    next_due: datetime | None
    minutes_left: int | None  # the countdown; negative: late


def _incident(i) -> dict:
    return {
        "id": i.pk,
        "title": i.title,
        "level": i.level.code,
        "occurred_at": i.occurred_at,
        "reports": len(i.reports.all()),
        **incidents.timing(i),
    }


class IncidentLevelIO(Schema):
    code: str
    name: str  # the district's name, in Chinese
    name_en: str = ""  # for readers in English; blank: they read `name`
    initial_minutes: int
    followup_hours: int
    rank: int = 4


class IncidentLevelOut(IncidentLevelIO):
    label: str  # the name in the reader's language (Accept-Language): name_en in English where given, else name


@router.get("/incidents/levels", response={200: list[IncidentLevelOut], **ERRORS})
def incident_levels(request):
    return list(IncidentLevel.objects.all())


@router.put("/incidents/levels/{code}", response={200: IncidentLevelOut, **ERRORS})
def incident_level_put(request, code: str, payload: IncidentLevelIO):
    """District HQ sets an event level's time limits (configurable; by default a written report within an hour)."""
    return incidents.level_update(actor=request.user, **{**payload.dict(), "code": code})


@router.post("/incidents", response={201: IncidentOut, **ERRORS})
def incident_create(request, payload: incidents.IncidentReportInitialInput):
    return Status(201, _incident(incidents.incident_report_initial(actor=request.user, **payload.dict())))


@router.post("/incidents/{int:incident_id}/reports", response={201: IncidentOut, **ERRORS})
def incident_report(request, incident_id: int, payload: incidents.IncidentReportAddInput):
    r = incidents.incident_report_add(actor=request.user, incident_id=incident_id, **payload.dict())
    return Status(201, _incident(r.incident))


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS})
def incident_list(request):
    return [_incident(i) for i in incidents.incidents_visible(user=request.user).prefetch_related("reports")[:200]]


# ---------------------------------------------------------------- responsibility chain


class ChainLevelOut(Schema):
    party: str  # territorial | industry | unit | individual
    where: str
    people: list[str]


@router.get("/responsibility", response={200: list[ChainLevelOut], **ERRORS})
def responsibility(request, kind: str, id: int):
    """Who answers for a task, zone, checkpoint or enterprise at each level (三级书记, 四方责任)."""
    return [lv.__dict__ for lv in chain.chain(user=request.user, kind=kind, object_id=id)]
