"""Enterprises in scope and who is responsible for each, hazards and their transitions, statistics."""

from __future__ import annotations

from datetime import datetime

from ninja import Form, Schema, Status

from fangkong.core.api import paginate

from .. import enterprises, hazards, selectors, statistics
from . import ERRORS, router


class EnterpriseOut(Schema):
    id: int
    name: str
    code: str
    industry: str
    open_hazards: int


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int


@router.get("/safety/enterprises", response={200: EnterprisePage, **ERRORS})
def enterprise_list(request, page: int = 1, page_size: int | None = None):
    """The enterprises in the caller's scope."""
    from django.db.models import Count, Q

    qs = (
        selectors.enterprises_visible(user=request.user)
        .select_related("safety_profile")
        .annotate(open_hazards=Count("hazards", filter=~Q(hazards__state="closed")))
    )
    items, count = paginate(qs, page, page_size)
    return {
        "items": [
            {
                "id": u.pk,
                "name": u.name,
                "code": u.code,
                "industry": getattr(getattr(u, "safety_profile", None), "industry", ""),
                "open_hazards": u.open_hazards,
            }
            for u in items
        ],
        "count": count,
    }


class ResponsibilityOut(Schema):
    enterprise: str
    supervising: list[str]
    approving: list[str]
    inspecting: list[str]


@router.get("/safety/enterprises/{int:enterprise_id}/responsibility", response={200: ResponsibilityOut, **ERRORS})
def enterprise_responsibility(request, enterprise_id: int):
    """Whoever is in charge, approves or inspects is responsible (三管三必须)."""
    return selectors.responsibility(user=request.user, enterprise_id=enterprise_id)


class HazardOut(Schema):
    id: int
    enterprise_id: int
    grade: str
    state: str
    description: str
    deadline: datetime
    assurances: dict[str, str]
    overdue: bool
    review_overdue: bool


def _hazard(h) -> dict:
    return {
        "id": h.pk,
        "enterprise_id": h.enterprise_id,
        "grade": h.grade,
        "state": h.state,
        "description": h.description,
        "deadline": h.deadline,
        "assurances": h.assurances,
        **hazards.flags(h),
    }


@router.post("/safety/hazards", response={201: HazardOut, **ERRORS})
def hazard_create(request, payload: hazards.HazardCreateInput):
    return Status(201, _hazard(hazards.hazard_create(actor=request.user, **payload.dict())))


@router.post("/safety/hazards/{int:hazard_id}/transition", response={200: HazardOut, **ERRORS})
def hazard_transition(request, hazard_id: int, payload: hazards.HazardTransitionInput):
    """The next step, by the role it belongs to; refused with the reason otherwise."""
    return _hazard(hazards.hazard_transition(actor=request.user, hazard_id=hazard_id, **payload.dict()))


class HazardPage(Schema):
    items: list[HazardOut]
    count: int


@router.get("/safety/hazards", response={200: HazardPage, **ERRORS})
def hazard_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    qs = selectors.hazards_visible(user=request.user).order_by("-found_at", "-id")
    if state:
        qs = qs.filter(state=state)
    items, count = paginate(qs, page, page_size)
    return {"items": [_hazard(h) for h in items], "count": count}


# ---------------------------------------------------------------- enterprises' hazard statistics


class StatsIn(Schema):
    period: str  # 2026Q3 (due the 15th of the next month) or 2026 (due 31 January)
    enterprise_id: int | None = None


class StatsOut(Schema):
    period: str
    figures: dict[str, int]
    late: bool


@router.post("/safety/statistics", response={201: StatsOut, **ERRORS})
def stats_create(request, payload: StatsIn):
    """The enterprise files its hazard statistics (computed from its hazards); once per period."""
    f = statistics.stats_file(actor=request.user, **payload.dict())
    return Status(201, {"period": f.period, "figures": f.figures, "late": f.filed_at > f.due_at})


class FilingStateOut(Schema):
    enterprise_id: int
    name: str
    filed: bool
    late: bool
    missing: bool


@router.get("/safety/statistics", response={200: list[FilingStateOut], **ERRORS})
def stats_overview(request, period: str):
    """Who filed a period's statistics, who filed late, who is missing."""
    return [s.__dict__ for s in statistics.stats_overview(user=request.user, period=period)]


@router.get("/safety/hazards/statistics", response={200: dict, **ERRORS})
def hazard_stats(request):
    """Hazards by grade and state, by street and by industry; the rectification rate; how many are overdue."""
    return statistics.hazard_statistics(user=request.user)


@router.get("/safety/hazards/statistics.xlsx", response={200: None, **ERRORS})
def hazard_stats_xlsx(request):
    """The same as a workbook, with the oldest overdue hazards."""
    from fangkong.core.xlsx import xlsx_response

    return xlsx_response("hazard-statistics.xlsx", statistics.statistics_xlsx(user=request.user))


@router.get("/safety/hazards/overdue.csv", response={200: None, **ERRORS})
def hazard_overdue_csv(request):
    """The whole overdue list as CSV (streamed)."""
    from fangkong.core.xlsx import csv_response

    return csv_response("overdue-hazards.csv", statistics.overdue_csv(user=request.user))


@router.get("/safety/hazards/overdue", response={200: HazardPage, **ERRORS})
def hazard_overdue(request, page: int = 1, page_size: int | None = None):
    """Hazards past their rectification deadline, oldest first."""
    items, count = paginate(statistics.overdue_hazards(user=request.user), page, page_size)
    return {"items": [_hazard(h) for h in items], "count": count}


# ---------------------------------------------------------------- registry of enterprises, the matrix, listing, photos


@router.put("/safety/enterprises/{int:enterprise_id}/profile", response={200: EnterpriseOut, **ERRORS})
def profile_put(request, enterprise_id: int, payload: enterprises.ProfileUpdateInput):
    u = enterprises.profile_update(actor=request.user, enterprise_id=enterprise_id, **payload.dict())
    return {
        "id": u.pk,
        "name": u.name,
        "code": u.code,
        "industry": u.safety_profile.industry,
        "open_hazards": u.hazards.exclude(state="closed").count(),
    }


@router.post("/safety/enterprises/{int:enterprise_id}/licences", response={201: dict, **ERRORS})
def licence_create(request, enterprise_id: int, payload: enterprises.LicenceAddInput):
    lic = enterprises.licence_add(actor=request.user, enterprise_id=enterprise_id, **payload.dict())
    return Status(201, {"id": lic.pk, "kind": lic.kind})


@router.put("/safety/industries/{industry}", response={200: dict, **ERRORS})
def industry_put(request, industry: str, payload: enterprises.IndustryAssignInput):
    """Which department supervises an industry (district HQ)."""
    row = enterprises.industry_assign(actor=request.user, industry=industry, department_id=payload.department_id)
    return {"industry": row.industry, "department": row.department.name}


class ListedIn(Schema):
    listed: bool = True
    note: str


@router.post("/safety/hazards/{int:hazard_id}/listed", response={200: HazardOut, **ERRORS})
def hazard_listed(request, hazard_id: int, payload: ListedIn):
    """挂牌督办 for a major hazard (the regulator, with the supervising document)."""
    return _hazard(hazards.hazard_list_supervision(actor=request.user, hazard_id=hazard_id, **payload.dict()))


@router.post("/safety/hazards/{int:hazard_id}/photos", response={201: dict, **ERRORS})
def hazard_photo(request, hazard_id: int, stage: Form[str]):
    """A `photo` (multipart) from before or after the rectification: JPEG, PNG or WebP, checked by its content."""
    photo = request.FILES.get("photo")
    if photo is None:
        from fangkong.core.errors import Code, FieldError

        raise FieldError("photo", "Attach the photo.", code=Code.REQUIRED)
    step = hazards.hazard_photo(actor=request.user, hazard_id=hazard_id, photo=photo, stage=stage)
    return Status(201, {"id": step.pk, "stage": stage})
