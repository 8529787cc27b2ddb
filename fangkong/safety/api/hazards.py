"""Work-safety endpoints: enterprises in scope and who is responsible for each, hazards and their transitions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core.api import ErrorOut, paginate

from . import hazards, inspections, statistics, tips

router = Router(tags=["safety"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


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
        hazards.enterprises_visible(user=request.user)
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
    return hazards.responsibility(user=request.user, enterprise_id=enterprise_id)


class HazardIn(Schema):
    enterprise_id: int
    grade: str  # general | major
    description: str
    deadline: datetime


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
def hazard_create(request, payload: HazardIn):
    return Status(201, _hazard(hazards.hazard_create(actor=request.user, **payload.dict())))


class TransitionIn(Schema):
    to: str  # registered | ordered | rectifying | applied | accepted | closed
    note: str = ""
    assurances: dict[str, str] | None = None  # responsibility, measures, funds, time_limit, contingency


@router.post("/safety/hazards/{int:hazard_id}/transition", response={200: HazardOut, **ERRORS})
def hazard_transition(request, hazard_id: int, payload: TransitionIn):
    """The next step, by the role it belongs to; refused with the reason otherwise."""
    return _hazard(hazards.hazard_transition(actor=request.user, hazard_id=hazard_id, **payload.dict()))


class HazardPage(Schema):
    items: list[HazardOut]
    count: int


@router.get("/safety/hazards", response={200: HazardPage, **ERRORS})
def hazard_list(request, state: str = "", page: int = 1, page_size: int | None = None):
    qs = hazards.hazards_visible(user=request.user).order_by("-found_at")
    if state:
        qs = qs.filter(state=state)
    items, count = paginate(qs, page, page_size)
    return {"items": [_hazard(h) for h in items], "count": count}


class ChecklistOut(Schema):
    id: int
    code: str
    name: str
    version: int
    items: int


@router.get("/safety/checklists", response={200: list[ChecklistOut], **ERRORS})
def checklist_list(request):
    """Checklists with their versions (the State Council's 15 measures are built in)."""
    from django.db.models import Count

    from .checklists import ensure_state_council_15
    from .models import Checklist

    ensure_state_council_15()
    return [
        {"id": c.pk, "code": c.code, "name": c.name, "version": c.version, "items": c.n}
        for c in Checklist.objects.annotate(n=Count("items")).order_by("code", "-version")
    ]


@router.post("/safety/checklists/{code}:import", response={201: ChecklistOut, **ERRORS})
def checklist_import(request, code: str, name: Form[str] = "", file: File[UploadedFile] = None):  # type: ignore[assignment]
    """A new version of a checklist from .xlsx/.csv (code, text, category, severity); duplicate codes refused."""
    from .checklists import checklist_import as run

    if file is None:
        from fangkong.core.errors import FieldError

        raise FieldError("file", "Attach the sheet.")
    c = run(actor=request.user, code=code, name=name, filename=file.name or "", content=file.read())
    return Status(201, {"id": c.pk, "code": c.code, "name": c.name, "version": c.version, "items": c.items.count()})


# ---------------------------------------------------------------- public hazard reports


class TipIn(Schema):
    enterprise_id: int | None = None
    place: str = ""
    description: str
    name: str = ""  # leave name and phone out to report anonymously
    phone: str = ""


class TipReceipt(Schema):
    id: int
    anonymous: bool


@router.post("/public/hazard-reports", auth=None, response={201: TipReceipt, **ERRORS})
def tip_create(request, payload: TipIn):
    """Anyone may report a hazard, anonymously or named (no account needed). Rate-limited per address."""
    from fangkong.core.ratelimit import hit

    hit(f"tip:{request.META.get('REMOTE_ADDR', '')}", per_minute=10)
    r = tips.tip_submit(**payload.dict())
    return Status(201, {"id": r.pk, "anonymous": r.anonymous})


class TipOut(Schema):
    id: int
    enterprise: str | None
    place: str
    description: str
    reported_at: datetime
    anonymous: bool
    state: str
    hazard_id: int | None
    reward: str | None


def _tip(r) -> dict:
    return {
        "id": r.pk,
        "enterprise": r.enterprise.name if r.enterprise else None,
        "place": r.place,
        "description": r.description,
        "reported_at": r.reported_at,
        "anonymous": r.anonymous,
        "state": r.state,
        "hazard_id": r.hazard_id,
        "reward": f"{r.reward:.2f}" if r.reward is not None else None,
    }


@router.get("/safety/public-reports", response={200: list[TipOut], **ERRORS})
def tip_list(request):
    """Reports for regulators and HQ — without who reported."""
    return [_tip(r) for r in tips.tips_visible(user=request.user)[:500]]


class VerifyIn(Schema):
    grade: str
    deadline: datetime


@router.post("/safety/public-reports/{int:report_id}/verify", response={200: TipOut, **ERRORS})
def tip_verify(request, report_id: int, payload: VerifyIn):
    return _tip(tips.tip_verify(actor=request.user, report_id=report_id, **payload.dict()))


class RewardIn(Schema):
    amount: str
    note: str = ""


@router.post("/safety/public-reports/{int:report_id}/reward", response={200: TipOut, **ERRORS})
def tip_reward(request, report_id: int, payload: RewardIn):
    return _tip(tips.tip_reward(actor=request.user, report_id=report_id, **payload.dict()))


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    name: str
    phone: str


@router.post("/safety/public-reports/{int:report_id}/reveal", response={200: RevealOut, **ERRORS})
def tip_reveal(request, report_id: int, payload: RevealIn):
    """Who reported (a named report), for designated staff only; audited with the reason."""
    name, phone = tips.tip_reveal(actor=request.user, report_id=report_id, reason=payload.reason)
    return {"name": name, "phone": phone}


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
    """Hazards by grade and state, by street; the rectification rate; how many are overdue."""
    return hazards.hazard_statistics(user=request.user)


# ---------------------------------------------------------------- inspections


class InspectionIn(Schema):
    enterprise_id: int
    checklist_id: int
    plan_id: int | None = None


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    checklist_id: int
    items: int
    recorded: int
    signed: bool
    hazards: list[int]


def _inspection(i) -> dict:
    results = list(i.results.all())
    return {
        "id": i.pk,
        "enterprise_id": i.enterprise_id,
        "checklist_id": i.checklist_id,
        "items": i.checklist.items.count(),
        "recorded": len(results),
        "signed": i.signed_at is not None,
        "hazards": [r.hazard_id for r in results if r.hazard_id],
    }


@router.post("/safety/inspections", response={201: InspectionOut, **ERRORS})
def inspection_create(request, payload: InspectionIn):
    return Status(201, _inspection(inspections.inspection_start(actor=request.user, **payload.dict())))


@router.post("/safety/inspections/{int:inspection_id}/results", response={200: InspectionOut, **ERRORS})
def inspection_result(request, inspection_id: int, item_id: Form[int], passed: Form[bool], note: Form[str] = ""):
    """One checklist item: passed or not (with a note, and a `photo` file if taken). Multipart form."""
    inspections.inspection_record(
        actor=request.user,
        inspection_id=inspection_id,
        item_id=item_id,
        passed=passed,
        note=note,
        photo=request.FILES.get("photo"),
    )
    from .models import Inspection

    return _inspection(Inspection.objects.get(pk=inspection_id))


@router.post("/safety/inspections/{int:inspection_id}/sign", response={200: InspectionOut, **ERRORS})
def inspection_sign(request, inspection_id: int):
    """Signed by the inspector who walked it (403 for anyone else); each failed item becomes a hazard."""
    return _inspection(inspections.inspection_sign(actor=request.user, inspection_id=inspection_id))


# ---------------------------------------------------------------- registry of enterprises, the matrix, listing, photos


class ProfileIn(Schema):
    industry: str | None = None
    size: str | None = None
    principal: str | None = None
    special_risks: list[str] | None = None  # hazardous_chemicals, dust, confined_spaces, ammonia, construction


@router.put("/safety/enterprises/{int:enterprise_id}/profile", response={200: EnterpriseOut, **ERRORS})
def profile_put(request, enterprise_id: int, payload: ProfileIn):
    u = hazards.profile_update(actor=request.user, enterprise_id=enterprise_id, **payload.dict())
    return {
        "id": u.pk,
        "name": u.name,
        "code": u.code,
        "industry": u.safety_profile.industry,
        "open_hazards": u.hazards.exclude(state="closed").count(),
    }


class LicenceIn(Schema):
    kind: str
    number: str = ""
    approved_by_id: int
    valid_until: date | None = None


@router.post("/safety/enterprises/{int:enterprise_id}/licences", response={201: dict, **ERRORS})
def licence_create(request, enterprise_id: int, payload: LicenceIn):
    lic = hazards.licence_add(actor=request.user, enterprise_id=enterprise_id, **payload.dict())
    return Status(201, {"id": lic.pk, "kind": lic.kind})


class IndustryIn(Schema):
    department_id: int


@router.put("/safety/industries/{industry}", response={200: dict, **ERRORS})
def industry_put(request, industry: str, payload: IndustryIn):
    """Which department supervises an industry (district HQ)."""
    row = hazards.industry_assign(actor=request.user, industry=industry, department_id=payload.department_id)
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
    """A `photo` (multipart) from before or after the rectification."""
    photo = request.FILES.get("photo")
    if photo is None:
        from fangkong.core.errors import FieldError

        raise FieldError("photo", "Attach the photo.")
    step = hazards.hazard_photo(actor=request.user, hazard_id=hazard_id, photo=photo, stage=stage)
    return Status(201, {"id": step.pk, "stage": stage})
