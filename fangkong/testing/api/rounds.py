"""Personal codes, rounds and sampling sites."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema, Status

from fangkong.core.api import paginate
from fangkong.registry import codes
from fangkong.registry.api import Ref

from .. import rounds, selectors
from . import ERRORS, router


class CodeOut(Schema):
    code: str


@router.get("/people/{int:person_id}/code", response={200: CodeOut, **ERRORS}, tags=["testing"])
def person_code(request, person_id: int):
    """The person's pre-registration code (shown as a QR at the site)."""
    return {"code": codes.person_code(actor=request.user, person_id=person_id)}


class CodesIssueOut(Schema):
    created: int


@router.post("/testing/codes:issue", response={200: CodesIssueOut, **ERRORS})
def codes_issue(request, payload: codes.PersonCodesIssueInput):
    """Codes for every resident of a jurisdiction who has none yet (repeating it creates nothing new)."""
    return {"created": codes.person_codes_issue(actor=request.user, **payload.dict())}


class RoundOut(Schema):
    id: int
    name: str
    pool_size: int
    starts_at: datetime
    deadline: datetime
    result_limit_hours: int


@router.post("/testing/rounds", response={201: RoundOut, **ERRORS})
def round_create(request, payload: rounds.RoundCreateInput):
    """HQ: a round with its pool size and deadline (default 24 h); `scope` = jurisdiction ids (empty: all)."""
    return Status(201, rounds.round_create(actor=request.user, **payload.dict()))


@router.get("/testing/rounds", response=list[RoundOut])
def round_list(request):
    return list(selectors.rounds_visible(user=request.user)[:100])


class SamplingSiteOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    hours: str
    jurisdiction: Ref
    unit: Ref


class SitePage(Schema):
    items: list[SamplingSiteOut]
    count: int


@router.get("/testing/sites", response=SitePage)
def site_list(request, page: int = 1, page_size: int | None = None):
    """Sampling sites you may collect at."""
    items, count = paginate(selectors.sites_workable(user=request.user), page, page_size)
    return {
        "items": [
            {
                "id": s.pk,
                "name": s.name,
                "kind": s.kind,
                "address": s.address,
                "hours": s.hours,
                "jurisdiction": {"id": s.jurisdiction_id, "name": s.jurisdiction.name},
                "unit": {"id": s.unit_id, "name": s.unit.name},
            }
            for s in items
        ],
        "count": count,
    }
