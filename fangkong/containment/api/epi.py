"""Epidemiology: a case's transmission chain, the epidemic curve, clusters (made and changed by hand) and the
clusters suggested by shared places and days."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema, Status

from fangkong.core.api import paginate

from ..epi import chains, clusters, detail, epicurve, suggestions
from . import ERRORS, router


class ChainNodeOut(Schema):
    id: int | str  # a case's id; "contact-<id>" for a close contact
    kind: str  # case | contact
    generation: int  # 0 at the root
    label: str  # the masked name; "" outside the viewer's reach
    outside: bool  # a case or contact outside the viewer's reach: no name, no dates, no link
    url: str
    classification: str | None = None
    certainty: str | None = None  # known | suspected | unknown: how sure the link to the source case is
    unknown_source: bool = False  # nothing links the case to a source
    onset_date: date | None = None
    confirmed_at: datetime | None = None
    released: bool = False
    contact_kind: str | None = None  # close | secondary
    last_contact_at: datetime | None = None
    became_case: int | None = None  # the case a contact became, in another chain


class ChainEdgeOut(Schema):
    from_: int | str = Field(..., alias="from")
    to: int | str
    link: str  # source (the recorded source case) | contact (a close contact)
    certainty: str


class ChainOut(Schema):
    case_id: int
    root_id: int
    generations: int
    truncated: bool
    nodes: list[ChainNodeOut]
    edges: list[ChainEdgeOut]


@router.get("/cases/{int:case_id}/chain", response={200: ChainOut, **ERRORS}, by_alias=True)
def case_chain(request, case_id: int):
    """The transmission tree holding the case: its root (generation 0) down through every case infected and each
    case's close contacts; cases and contacts outside the caller's reach are there without name, dates or link."""
    return chains.chain_of(user=request.user, case_id=case_id).as_dict()


class CurveDayOut(Schema):
    date: date
    confirmed: int
    asymptomatic: int
    onset_unknown: int  # by onset: cases counted on their report day for want of an onset date
    samples: int | None  # testing volume that day; null for a caller who does not see testing's figures


class StreetDayOut(Schema):
    date: date
    cases: int


class StreetCurveOut(Schema):
    id: int
    name: str
    total: int
    days: list[StreetDayOut]


class CurveArea(Schema):
    id: int
    name: str


class CurveOut(Schema):
    by: str
    jurisdiction: CurveArea | None
    cluster_id: int | None
    testing_shown: bool
    days: list[CurveDayOut]
    streets: list[StreetCurveOut]


@router.get("/epicurve", response={200: CurveOut, **ERRORS})
def epicurve_get(
    request,
    by: str = "report",
    jurisdiction: int | None = None,
    cluster: int | None = None,
    by_street: bool = False,
    since: date | None = None,
    until: date | None = None,
):
    """Cases per day by `onset` (falling back to the report day: `onset_unknown`) or by `report` (the district's
    calendar day of confirmation), confirmed and asymptomatic apart, in the caller's reach or a `jurisdiction` in
    it, or the cases of a `cluster`; `by_street=1` adds a series per jurisdiction right below; the samples taken
    each day beside them."""
    found = clusters.cluster_get(user=request.user, cluster_id=cluster) if cluster is not None else None
    return epicurve.epicurve(
        user=request.user,
        by=by,
        jurisdiction_id=jurisdiction,
        cluster=found,
        by_street=by_street,
        since=since,
        until=until,
    ).as_dict()


class ClusterOut(Schema):
    id: int
    name: str
    kind: str
    note: str
    created_by: str
    created_at: datetime
    case_ids: list[int]


def _cluster(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "note": c.note,
        "created_by": c.created_by.get_username(),
        "created_at": c.created_at,
        "case_ids": list(c.cases.order_by("pk").values_list("pk", flat=True)),
    }


class ClusterPage(Schema):
    items: list[ClusterOut]
    count: int


@router.get("/clusters", response={200: ClusterPage, **ERRORS})
def cluster_list(request, page: int = 1, page_size: int | None = None):
    items, count = paginate(clusters.cluster_list(user=request.user), page, page_size)
    return {"items": [_cluster(c) for c in items], "count": count}


@router.post("/clusters", response={201: ClusterOut, **ERRORS})
def cluster_create(request, payload: clusters.ClusterCreateInput):
    """A cluster made by hand, with its first cases (`case_ids`: none in another cluster)."""
    return Status(201, _cluster(clusters.cluster_create(actor=request.user, **payload.dict())))


class SuggestionOut(Schema):
    basis: str  # household | compound | workplace | venue
    place: str
    kind: str  # the cluster kind it would make
    name: str
    dates: list[date]
    case_ids: list[int]


@router.get("/clusters/suggestions", response={200: list[SuggestionOut], **ERRORS})
def cluster_suggestion_list(request):
    """Recent cases in no cluster sharing a household, a compound, a workplace or a venue on the same day: to group
    by hand (POST /clusters with the case_ids), never grouped automatically."""
    clusters.cluster_list(user=request.user)  # the capability check
    return [s.as_dict() for s in suggestions.cluster_suggestions(user=request.user)]


class PlaceOut(Schema):
    kind: str  # compound | workplace | venue
    name: str
    n: int  # cases found there
    days: list[date]  # venues: the days they were there


class ClusterDetailOut(ClusterOut):
    hidden_cases: int  # cases of the cluster outside the caller's reach
    contact_ids: list[int]
    places: list[PlaceOut]


@router.get("/clusters/{int:cluster_id}", response={200: ClusterDetailOut, **ERRORS})
def cluster_detail(request, cluster_id: int):
    cluster = clusters.cluster_get(user=request.user, cluster_id=cluster_id)
    shown = detail.cluster_detail(user=request.user, cluster=cluster)
    return {
        **_cluster(cluster),
        "case_ids": [c.pk for c in shown.cases],
        "hidden_cases": shown.hidden,
        "contact_ids": [m.pk for m in shown.contacts],
        "places": shown.places,
    }


@router.post("/clusters/{int:cluster_id}/cases", response={200: ClusterOut, **ERRORS})
def cluster_case_add(request, cluster_id: int, payload: clusters.ClusterCaseInput):
    return _cluster(clusters.cluster_add_case(actor=request.user, cluster_id=cluster_id, case_id=payload.case_id))


@router.delete("/clusters/{int:cluster_id}/cases/{int:case_id}", response={200: ClusterOut, **ERRORS})
def cluster_case_remove(request, cluster_id: int, case_id: int):
    return _cluster(clusters.cluster_remove_case(actor=request.user, cluster_id=cluster_id, case_id=case_id))
