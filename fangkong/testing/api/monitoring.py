"""A round's stages, coverage and who is still missing."""

from __future__ import annotations

from ninja import Schema

from fangkong.registry.api import PersonRef, Ref, person_ref

from .. import monitoring
from . import ERRORS, router


class StageOut(Schema):
    name: str
    tubes: int
    minutes: dict[str, float | None]
    late: int


class MonitoringOut(Schema):
    limit_hours: int
    sites: list[StageOut]
    labs: list[StageOut]
    late: list[dict]
    late_count: int


@router.get("/testing/rounds/{int:round_id}/monitoring", response={200: MonitoringOut, **ERRORS})
def round_monitoring(request, round_id: int):
    """HQ: median minutes of each stage (collect, deliver, test, report) per site and lab, and the late tubes."""
    data = monitoring.stage_timings(user=request.user, round_id=round_id)
    return {**data, "sites": [vars(r) for r in data["sites"]], "labs": [vars(r) for r in data["labs"]]}


class CoverageRow(Schema):
    jurisdiction: Ref
    expected: int
    sampled: int
    missing: int
    percent: float | None


class CoverageOut(Schema):
    rows: list[CoverageRow]


@router.get("/testing/rounds/{int:round_id}/coverage", response={200: CoverageOut, **ERRORS})
def round_coverage(request, round_id: int, jurisdiction: int | None = None):
    """Residents expected (the register) against sampled, per jurisdiction below `jurisdiction` (or yours)."""
    data = monitoring.coverage(user=request.user, round_id=round_id, parent_id=jurisdiction)
    return {
        "rows": [
            {**r, "jurisdiction": {"id": r["jurisdiction"].pk, "name": r["jurisdiction"].name}} for r in data["rows"]
        ]
    }


class MissingOut(Schema):
    person: PersonRef
    grid: Ref
    reason: str


@router.get("/testing/rounds/{int:round_id}/missing", response={200: list[MissingOut], **ERRORS})
def round_missing(request, round_id: int, jurisdiction: int):
    """Who in `jurisdiction` is not sampled yet, with the reason known (away, bedridden, closed_loop, not_yet)."""
    data = monitoring.missing(user=request.user, round_id=round_id, jurisdiction_id=jurisdiction)
    return [
        {
            "person": person_ref(m["person"]),
            "grid": {"id": m["person"].jurisdiction_id, "name": m["person"].jurisdiction.name},
            "reason": m["reason"],
        }
        for m in data["people"]
    ]
