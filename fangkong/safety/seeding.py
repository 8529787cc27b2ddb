"""The work-safety side of the demo district: enterprise profiles, the industry → department matrix, and a few
hazards of the demo enterprise at different steps (found by the demo regulator, worked through the services)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from fangkong.core import clock
from fangkong.registry.models import RoleAssignment, Unit

from .models import Accident, Checklist, EnterpriseProfile, Hazard, HazardStep, IndustryDepartment, Licence

INDUSTRIES = [  # a word in the enterprise's name → its industry, and the department that supervises it
    ("石化", "危险化学品", "emergency"),
    ("建筑", "建筑施工", "housing"),
    ("物流", "交通运输", "transport"),
    ("冷链", "冷库（涉氨制冷）", "emergency"),
    ("燃气", "城镇燃气", "housing"),
]


def wipe() -> None:
    for model in (Accident, HazardStep, Hazard, Licence, EnterpriseProfile, IndustryDepartment, Checklist):
        model.objects.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    from .checklists import ensure_state_council_15
    from .hazards import hazard_create, hazard_transition

    ensure_state_council_15()
    from fangkong.registry import demo_names as names

    depts = {key: Unit.objects.filter(kind="department", name=name).first() for name, key in names.DEPARTMENTS}
    for _word, industry, dept_key in INDUSTRIES:
        dept = depts.get(dept_key)
        if dept is not None:
            IndustryDepartment.objects.get_or_create(industry=industry, defaults={"department": dept})
    profiles = []
    for unit in Unit.objects.filter(kind="enterprise").order_by("pk"):
        industry = next((ind for word, ind, _d in INDUSTRIES if word in unit.name), "")
        profiles.append(EnterpriseProfile(unit=unit, industry=industry, size="小型", principal=""))
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
        hazards = 2
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
