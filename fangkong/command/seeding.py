"""The command side of the demo district: named secretaries and heads of the district, streets and communities
and the principals of departments and enterprises (synthetic names), so the responsibility chain reads; the
district's duty room rostered for the week with today's leader and officer on duty, and a daily report asked of
the streets — made through the services district HQ uses on its pages."""

from __future__ import annotations

import random

from django.db.models import Model

from fangkong.registry.models import Jurisdiction, Unit

from .models import (
    DutyAssignment,
    DutyLogEntry,
    DutyShift,
    ReportAssignment,
    ReportSubmission,
    ReportTemplate,
    Responsible,
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英"


def wipe() -> None:
    for model in (DutyLogEntry, DutyAssignment, DutyShift, ReportSubmission, ReportAssignment, ReportTemplate):
        model.objects.all().delete()
    Responsible.objects.all().delete()
    from fangkong.incidents.models import Incident, IncidentReport

    from .models import Directive, Finding, Outcome, SituationReport, Task, TaskUpdate

    SituationReport.objects.all().delete()  # its sections and their versions go with it
    # What the demo's journeys made (an accident's incident, dispatched alerts' tasks, findings) points at the tree.
    made: list[type[Model]] = [TaskUpdate, Task, Directive, Outcome, Finding, IncidentReport, Incident]
    for made_model in made:
        made_model._default_manager.all().delete()


def seed(*, progress=lambda message: None) -> dict:
    rng = random.Random(1949)

    def name() -> str:
        return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)

    rows = []
    for place in Jurisdiction.objects.filter(level__in=["district", "street", "community"]).order_by("path"):
        rows.append(
            Responsible(jurisdiction=place, duty="secretary", name=name(), post=f"{place.name}党委（党组织）书记")
        )
        if place.level != "community":
            rows.append(Responsible(jurisdiction=place, duty="head", name=name(), post=f"{place.name}主要负责人"))
    for unit in Unit.objects.filter(kind__in=["department", "enterprise", "checkpoint"]).order_by("pk"):
        rows.append(Responsible(unit=unit, duty="principal", name=name(), post=f"{unit.name}主要负责人"))
    Responsible.objects.bulk_create(rows)
    shifts, reporters = _duty_and_reports()
    progress(f"{len(rows)} named responsible people, {shifts} duty shifts, a daily report of {reporters} streets")
    return {"responsible": len(rows), "shifts": shifts, "reporters": reporters}


def _duty_and_reports() -> tuple[int, int]:
    from django.contrib.auth import get_user_model

    from fangkong.core import clock

    from .duty import duty_assign, roster_generate
    from .reporting import template_assign, template_create

    users = get_user_model().objects
    hq, deputy = users.filter(username="hq_admin").first(), users.filter(username="hq_deputy").first()
    district = Jurisdiction.objects.filter(level="district").first()
    if hq is None or deputy is None or district is None:
        return 0, 0
    shifts = roster_generate(actor=hq, jurisdiction_id=district.pk, first=clock.localdate(), days=7, label="区值班室")
    duty_assign(actor=hq, shift_id=shifts[0].pk, user_id=deputy.pk, role="leader")
    duty_assign(actor=hq, shift_id=shifts[0].pk, user_id=hq.pk, role="officer")
    fields = [
        {"key": "arrivals", "label": "返乡人员（人）", "type": "number", "required": True},
        {"key": "tested", "label": "核酸检测（人次）", "type": "number", "required": True},
        {"key": "hazards", "label": "排查隐患（处）", "type": "number"},
        {"key": "note", "label": "其他情况", "type": "text"},
    ]
    template = template_create(actor=hq, name="疫情防控和安全生产日报", fields=fields)
    streets = list(Jurisdiction.objects.filter(level="street").values_list("pk", flat=True))
    template_assign(actor=hq, template_id=template.pk, recipients=streets)
    return len(shifts), len(streets)


def situation(*, progress=lambda message: None) -> int:
    """Today's daily situation report, compiled from every module once they are all seeded, each section approved
    by the deputy and published by HQ: the demo's 日报 第 1 期 (called last by site.demo)."""
    from django.contrib.auth import get_user_model

    from .situation import section_approve, situation_compile, situation_publish

    users = get_user_model().objects
    hq, deputy = users.filter(username="hq_admin").first(), users.filter(username="hq_deputy").first()
    if hq is None or deputy is None:
        return 0
    report = situation_compile(actor=hq)
    for section in report.sections.all():
        section_approve(actor=deputy, section_id=section.pk)
    situation_publish(actor=hq, report_id=report.pk)
    progress("the daily situation report compiled, approved and published")
    return 1
