"""The daily situation report: compiled, sections written and approved, published."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema, Status

from .. import situation
from . import ERRORS, router

# ---------------------------------------------------------------- daily situation report


class SituationTableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[Any]]  # the first cell a label (never a code), then numbers


class SectionOut(Schema):
    id: int
    key: str
    title: str  # in the language of the request, as every label below
    sentence: str  # the day's figures in words
    figures: list[list[Any]]  # [label, number]
    tables: list[SituationTableOut]
    text: str  # the contributors' words
    approved: bool
    written_by: str | None = None  # the latest text's author
    written_at: datetime | None = None


def _section(s) -> dict:
    shown = situation.show(s)
    return {
        "id": s.pk,
        "key": s.key,
        "title": shown.title,
        "sentence": shown.sentence,
        "figures": [[label, value] for label, value in shown.figures],
        "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in shown.tables],
        "text": s.text,
        "approved": s.approved_at is not None,
        "written_by": s.written_by.get_username() if s.written_by_id else None,
        "written_at": s.written_at,
    }


class SituationOut(Schema):
    id: int
    day: date
    state: str
    number: int | None = None  # the number in its year (第 N 期), once published
    sections: list[SectionOut]


def _situation(r) -> dict:
    return {
        "id": r.pk,
        "day": r.day,
        "state": r.state,
        "number": situation.numbers([r]).get(r.pk),
        "sections": [_section(s) for s in r.sections.select_related("written_by")],
    }


@router.post("/situation-reports", response={201: SituationOut, **ERRORS})
def situation_create(request, payload: situation.SituationCompileInput):
    """Compile (or recompile) a day's report from every module (district HQ)."""
    return Status(201, _situation(situation.situation_compile(actor=request.user, **payload.dict())))


@router.get("/situation-reports/{int:report_id}", response={200: SituationOut, **ERRORS})
def situation_get(request, report_id: int):
    return _situation(situation.report_get(user=request.user, report_id=report_id))


@router.post("/situation-reports/sections/{int:section_id}/text", response={200: SectionOut, **ERRORS})
def section_text(request, section_id: int, payload: situation.SectionWriteInput):
    """A contributor's words for a section: each save is a version, with its author (an approval lapses)."""
    return _section(situation.section_write(actor=request.user, section_id=section_id, **payload.dict()))


class SectionVersionOut(Schema):
    number: int
    text: str
    written_by: str
    written_at: datetime


@router.get("/situation-reports/sections/{int:section_id}/versions", response={200: list[SectionVersionOut], **ERRORS})
def section_versions(request, section_id: int):
    """Every text the section was given, newest first, with who wrote it and when."""
    return [
        {"number": v.number, "text": v.text, "written_by": v.written_by.get_username(), "written_at": v.written_at}
        for v in situation.section_versions(user=request.user, section_id=section_id)
    ]


@router.post("/situation-reports/sections/{int:section_id}/approve", response={200: SectionOut, **ERRORS})
def section_approve(request, section_id: int):
    return _section(situation.section_approve(actor=request.user, section_id=section_id))


@router.post("/situation-reports/{int:report_id}/publish", response={200: SituationOut, **ERRORS})
def situation_publish(request, report_id: int):
    """Publish once every section is approved."""
    return _situation(situation.situation_publish(actor=request.user, report_id=report_id))
