"""The work-safety side of the demo district: enterprise profiles (industry and special risks), the industry →
department matrix, a few hazards of the demo enterprise at different steps, and an inspection the demo regulator
walked there with the checklist that fits it — all through the services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Model

from fangkong.core import clock
from fangkong.registry.models import RoleAssignment, Unit

from .models import (
    Accident,
    Checklist,
    EnterpriseProfile,
    Hazard,
    HazardStep,
    IndustryDepartment,
    Inspection,
    InspectionPlan,
    Licence,
)

INDUSTRIES = [  # a word in the enterprise's name → its industry, its special risks, the department supervising it
    ("石化", "危险化学品", ["hazardous_chemicals", "confined_spaces"], "emergency"),
    ("建筑", "建筑施工", ["construction"], "housing"),
    ("物流", "交通运输", [], "transport"),
    ("冷链", "冷库（涉氨制冷）", ["ammonia", "confined_spaces"], "emergency"),
    ("燃气", "城镇燃气", ["gas", "confined_spaces"], "housing"),
]


def wipe() -> None:
    # Inspections before the checklists and hazards they point at.
    order: list[type[Model]] = [Inspection, InspectionPlan, Accident, HazardStep, Hazard, Licence, EnterpriseProfile]
    order += [IndustryDepartment, Checklist]
    for model in order:
        model._default_manager.all().delete()


def _drawn_signature() -> bytes:
    """What the pad sends: a stroke on white."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 120), "white")
    ImageDraw.Draw(img).line([(20, 85), (90, 30), (150, 90), (220, 35), (280, 70)], fill="black", width=4)
    out = BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _inspect(regulator, firm) -> int:
    """The regulator walked the checklist that fits the firm (its industry's first): one item failed, a general
    hazard."""
    from .checklists import checklists_for
    from .inspections import inspection_record, inspection_sign, inspection_start

    fitting, _others = checklists_for(Unit.objects.select_related("safety_profile").get(pk=firm.pk))
    inspection = inspection_start(actor=regulator, enterprise_id=firm.pk, checklist_id=fitting[0].pk)
    items = list(fitting[0].items.order_by("order"))
    failed = next((i for i in items if "应急器材" in i.text), items[-1])
    for item in items:
        note = "罐区洗眼器水压不足，防毒面具过期" if item == failed else ""
        inspection_record(
            actor=regulator, inspection_id=inspection.pk, item_id=item.pk, passed=item != failed, note=note
        )
    inspection_sign(actor=regulator, inspection_id=inspection.pk, signature=_drawn_signature())
    return 1


def seed(*, progress=lambda message: None) -> dict:
    from .checklists import ensure_builtin_checklists
    from .hazards import hazard_create, hazard_transition

    ensure_builtin_checklists()
    from fangkong.registry import demo_names as names

    depts = {key: Unit.objects.filter(kind="department", name=name).first() for name, key in names.DEPARTMENTS}
    for _word, industry, _risks, dept_key in INDUSTRIES:
        dept = depts.get(dept_key)
        if dept is not None:
            IndustryDepartment.objects.get_or_create(industry=industry, defaults={"department": dept})
    profiles = []
    for unit in Unit.objects.filter(kind="enterprise").order_by("pk"):
        industry, risks = next(((ind, r) for word, ind, r, _d in INDUSTRIES if word in unit.name), ("", []))
        profiles.append(EnterpriseProfile(unit=unit, industry=industry, size="小型", principal="", special_risks=risks))
    EnterpriseProfile.objects.bulk_create(profiles)
    User = get_user_model()
    regulator = User.objects.filter(username="safety_regulator").first()
    officer = RoleAssignment.objects.filter(user__username="enterprise_officer").select_related("user", "unit").first()
    hazards = 0
    if regulator and officer and officer.unit:
        firm = officer.unit
        deadline = clock.now() + timedelta(days=7)
        h1 = hazard_create(
            actor=regulator,
            enterprise_id=firm.pk,
            grade="major",
            description="液氨储罐区安全阀未按期校验",
            deadline=deadline,
        )
        hazard_transition(actor=regulator, hazard_id=h1.pk, to="registered")
        hazard_transition(actor=regulator, hazard_id=h1.pk, to="ordered", note="限期7日整改")
        h2 = hazard_create(
            actor=regulator,
            enterprise_id=firm.pk,
            grade="general",
            description="消防通道堆放杂物",
            deadline=clock.now() + timedelta(days=2),
        )
        hazard_transition(actor=regulator, hazard_id=h2.pk, to="registered")
        hazards = 2 + _inspect(regulator, firm)
        from .accidents import accident_followup, accident_report

        accident = accident_report(
            actor=officer.user,
            enterprise_id=firm.pk,
            kind="fall",
            occurred_at=clock.now() - timedelta(hours=3),
            text="检修平台护栏缺失，一名维修工高处坠落，已送区人民医院救治；现场已停工并设置警戒",
            serious_injuries=1,
        )
        accident_followup(
            actor=officer.user, accident_id=accident.pk, text="伤者生命体征平稳；已组织全厂高处作业安全排查"
        )
    progress(f"{len(profiles)} enterprise profiles, {hazards} demo hazards")
    return {"enterprises": len(profiles), "hazards": hazards}
