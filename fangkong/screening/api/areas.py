"""Risk areas (edited, imported) and the screening protocol and time limits."""

from __future__ import annotations

from datetime import datetime

from ninja import File, Schema, Status
from ninja.files import UploadedFile

from fangkong.core import clock
from fangkong.core.api import paginate
from fangkong.core.tables import read_table_upload

from .. import protocol, riskareas, selectors
from ..models import RiskProtocol as ScreeningProtocol
from ..models import ScreeningSettings
from . import ERRORS, router

# ---------------------------------------------------------------- risk areas


class RiskAreaOut(Schema):
    id: int
    name: str
    code: str
    level: str
    valid_from: datetime
    valid_to: datetime | None
    notice: str


class RiskAreaPage(Schema):
    items: list[RiskAreaOut]
    count: int


@router.get("/risk-areas", response=RiskAreaPage)
def risk_area_list(request, active: bool = False, level: str = "", page: int = 1, page_size: int | None = None):
    """Risk areas; `active=true` keeps those in force now."""
    qs = selectors.risk_areas(user=request.user, active_at=clock.now() if active else None, level=level)
    items, count = paginate(qs, page, page_size)
    return {"items": items, "count": count}


@router.post("/risk-areas", response={201: RiskAreaOut, **ERRORS})
def risk_area_create(request, payload: riskareas.RiskAreaInput):
    """HQ: declare a region high, medium or low risk from `valid_from` (default now) to `valid_to` (open)."""
    data = riskareas.risk_area_clean(**payload.dict())
    return Status(201, riskareas.risk_area_create(actor=request.user, data=data))


@router.put("/risk-areas/{int:area_id}", response={200: RiskAreaOut, **ERRORS})
def risk_area_update(request, area_id: int, payload: riskareas.RiskAreaInput):
    data = riskareas.risk_area_clean(**payload.dict())
    return riskareas.risk_area_update(actor=request.user, area_id=area_id, data=data)


@router.post("/risk-areas/{int:area_id}/end", response={200: RiskAreaOut, **ERRORS})
def risk_area_end(request, area_id: int):
    """Lift the area now."""
    return riskareas.risk_area_end(actor=request.user, area_id=area_id)


class RiskAreaImportOut(Schema):
    created: int
    rejected: list[dict]


@router.post("/risk-areas/import", response={200: RiskAreaImportOut, **ERRORS})
def risk_area_import(request, file: File[UploadedFile]):
    """An .xlsx with columns 地区/name, 区划代码/code, 风险等级/level, 开始时间/valid_from, 结束时间/valid_to,
    通告/notice. All rows or none."""
    return riskareas.risk_areas_import(actor=request.user, content=read_table_upload(file), filename=file.name or "")


# ---------------------------------------------------------------- protocol and time limits


class ProtocolLevel(Schema):
    level: str
    instruction: str
    measure: str
    days: int
    test_days: list[int]
    version: int


class SettingsOut(Schema):
    contact_limit_minutes: int
    fever_threshold: float
    passage_retention_days: int
    travel_lookback_days: int


class ProtocolOut(Schema):
    levels: list[ProtocolLevel]
    settings: SettingsOut


def _protocol_out() -> dict:
    rows = ScreeningProtocol.current()
    order = ["high", "medium", "low"]
    return {
        "levels": [rows[level] for level in order],
        "settings": ScreeningSettings.current(),
    }


@router.get("/screening/protocol", response=ProtocolOut)
def protocol_get(request):
    """What each risk level means (checkpoint instruction, measure, days, test days) and the time limits."""
    return _protocol_out()


@router.put("/screening/protocol/{level}", response={200: ProtocolOut, **ERRORS})
def protocol_put(request, level: str, payload: protocol.ProtocolUpdateInput):
    """HQ: change what a level means. Audited with before and after; the level's version goes up."""
    protocol.protocol_update(actor=request.user, level=level, **payload.dict())
    return _protocol_out()


@router.put("/screening/settings", response={200: ProtocolOut, **ERRORS})
def settings_put(request, payload: protocol.SettingsUpdateInput):
    """HQ: contact limit for new arrivals, fever threshold, how long passages are kept, travel history window."""
    protocol.settings_update(actor=request.user, **payload.given())
    return _protocol_out()
