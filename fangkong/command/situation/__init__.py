"""The daily situation report (疫情防控和安全生产工作日报): each section's day compiled from the module that owns
it (read-only; `document.sections()`), worded in sentences with its tables and trend when read, the contributors'
words beside it, each section approved by a controller, then published (numbered in its year) and exported."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for

from .. import errors
from ..models import SituationReport, SituationSection, SituationSectionVersion
from .document import compiled_trends, heading, numbers, ordinal, same_figures, sections, show, stored
from .exports import as_pdf, as_xlsx

__all__ = [
    "SectionWriteInput",
    "SituationCompileInput",
    "as_pdf",
    "as_xlsx",
    "heading",
    "numbers",
    "ordinal",
    "report_get",
    "section_approve",
    "section_versions",
    "section_write",
    "sections",
    "show",
    "situation_compile",
    "situation_publish",
]


def _controller(actor) -> None:
    if not scope_for(actor, Cap.SITUATION_APPROVE).district_wide:
        raise Forbidden(Cap.SITUATION_APPROVE)  # a district-wide report: district HQ


class SituationCompileInput(FormInput):
    """Which day's report to compile (today's unless given), from the API's body or the reports page's form."""

    day: Day | None = None


@transaction.atomic
def situation_compile(*, actor, day: date | None = None) -> SituationReport:
    """Compile (or recompile) the day's report: figures refreshed; approved sections whose figures changed go
    back to draft; contributors' words are kept. A published report is not recompiled."""
    _controller(actor)
    day = day or clock.localdate()
    report, _created = SituationReport.objects.get_or_create(day=day, defaults={"compiled_by": actor})
    if report.state == SituationReport.State.PUBLISHED:
        raise FieldError("day", _("This day's report is published."), code=errors.Code.PUBLISHED)
    report.compiled_at, report.compiled_by = clock.now(), actor
    report.save(update_fields=["compiled_at", "compiled_by"])
    trends = compiled_trends(actor, day)
    for order, kind in enumerate(sections()):
        data = stored(kind.compute(day), trends.get(kind.chart) if kind.chart else None)
        with translation.override(settings.LANGUAGE_CODE):
            title = str(kind.title)  # what a client reading the stored row sees; pages name it in their language
        section, created = SituationSection.objects.get_or_create(
            report=report, key=kind.key, defaults={"order": order, "title": title, "figures": data}
        )
        if created:
            continue
        changed = not same_figures(section.figures, data)
        section.figures, section.order, section.title = data, order, title
        if changed:  # what was approved is not what the report now says
            section.approved_by, section.approved_at = None, None
        section.save(update_fields=["figures", "order", "title", "approved_by", "approved_at"])
    audit_record(actor=actor, action="situation.compile", obj=report, fields={"day": day.isoformat()})
    return report


def report_get(*, user, report_id: int) -> SituationReport:
    if scope_for(user, Cap.TASK_OVERSEE).empty:
        raise NotFound
    report = SituationReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotFound
    return report


class SectionWriteInput(FormInput):
    """A contributor's words for a section, from the API's body or the report's page."""

    text: str


@transaction.atomic
def section_write(*, actor, section_id: int, text: str) -> SituationSection:
    """A contributor's words for a section (while the report is a draft); an approval lapses with an edit."""
    section = SituationSection.objects.select_for_update().select_related("report").filter(pk=section_id).first()
    if section is None or scope_for(actor, Cap.TASK_OVERSEE).empty:
        raise NotFound
    if section.report.state == SituationReport.State.PUBLISHED:
        raise FieldError("text", _("The report is published."), code=errors.Code.PUBLISHED)
    text = (text or "").strip()
    if text == section.text and section.written_by_id is not None:
        return section  # saved again unchanged: no new version, the approval stands
    number = (section.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    now = clock.now()
    SituationSectionVersion.objects.create(section=section, number=number, text=text, written_by=actor, written_at=now)
    section.text, section.written_by, section.written_at = text, actor, now
    section.approved_by, section.approved_at = None, None
    section.save(update_fields=["text", "written_by", "written_at", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="situation.write",
        obj=section.report,
        fields={"section": section.key, "version": number},
    )
    return section


def section_versions(*, user, section_id: int) -> list[SituationSectionVersion]:
    """A section's texts, newest first, with their authors (whoever may see the report)."""
    if scope_for(user, Cap.TASK_OVERSEE).empty:
        raise NotFound
    return list(SituationSectionVersion.objects.filter(section_id=section_id).select_related("written_by"))


@transaction.atomic
def section_approve(*, actor, section_id: int) -> SituationSection:
    _controller(actor)
    section = SituationSection.objects.select_for_update().select_related("report").filter(pk=section_id).first()
    if section is None:
        raise NotFound
    if section.report.state == SituationReport.State.PUBLISHED:
        raise FieldError("state", _("The report is published."), code=errors.Code.PUBLISHED)
    section.approved_by, section.approved_at = actor, clock.now()
    section.save(update_fields=["approved_by", "approved_at"])
    audit_record(actor=actor, action="situation.approve", obj=section.report, fields={"section": section.key})
    return section


@transaction.atomic
def situation_publish(*, actor, report_id: int) -> SituationReport:
    """Publish once every section is approved. The issue's number (第 N 期) is its place among the year's
    published reports, in the order they were published (`document.numbers`)."""
    _controller(actor)
    report = SituationReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound
    waiting = [show(s).title for s in report.sections.filter(approved_at__isnull=True)]
    if waiting:
        raise FieldError(
            "state",
            _("Sections not approved yet: %(s)s.") % {"s": pgettext("list separator", ", ").join(waiting)},
            code=Code.WRONG_STATE,
        )
    if report.state != SituationReport.State.PUBLISHED:
        report.state, report.published_at, report.published_by = SituationReport.State.PUBLISHED, clock.now(), actor
        report.save(update_fields=["state", "published_at", "published_by"])
        audit_record(actor=actor, action="situation.publish", obj=report)
    return report
