"""The daily situation report: each section's figures compiled from the module that owns them (read-only), the
words written by contributors, each section approved by a controller, then published and exported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for

from . import errors
from .models import SituationReport, SituationSection, SituationSectionVersion

Figures = list[list]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time(0, 0)), timezone.get_default_timezone())
    return start, start + timedelta(days=1)


def _arrivals(day: date) -> Figures:
    from fangkong.screening.models import Passage

    start, end = _day_bounds(day)
    qs = Passage.objects.filter(at__gte=start, at__lt=end)
    by = dict(qs.values("instruction").annotate(n=Count("id")).values_list("instruction", "n"))
    return [
        [_("Passages registered"), qs.count()],
        [_("Arrivals"), qs.filter(direction="in").count()],
        *[[str(k or "—"), v] for k, v in sorted(by.items())],
    ]


def _closed_loop(day: date) -> Figures:
    from fangkong.screening.models import FollowUp

    start, end = _day_bounds(day)
    open_ = FollowUp.objects.filter(released_at__isnull=True)
    return [
        [_("Opened today"), FollowUp.objects.filter(opened_at__gte=start, opened_at__lt=end).count()],
        [_("Under closed-loop management"), open_.count()],
        [_("Not contacted in time"), open_.filter(contacted_at__isnull=True, contact_due_at__lt=end).count()],
        [_("Released today"), FollowUp.objects.filter(released_at__gte=start, released_at__lt=end).count()],
    ]


def _testing(day: date) -> Figures:
    from fangkong.testing.models import Recall, Sample, Tube

    start, end = _day_bounds(day)
    return [
        [_("Samples taken"), Sample.objects.filter(collected_at__gte=start, collected_at__lt=end).count()],
        [_("Tubes resulted"), Tube.objects.filter(resulted_at__gte=start, resulted_at__lt=end).count()],
        [
            _("Positive pools"),
            Tube.objects.filter(resulted_at__gte=start, resulted_at__lt=end, result="positive").count(),
        ],
        [_("Recalls awaiting a retest"), Recall.objects.filter(state__in=["ordered", "sampled"]).count()],
    ]


def _positives(day: date) -> Figures:
    from fangkong.containment.models import Case

    start, end = _day_bounds(day)
    return [
        [_("Confirmed today"), Case.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end).count()],
        [_("Open cases"), Case.objects.filter(released_at__isnull=True).count()],
    ]


def _zones(day: date) -> Figures:
    from fangkong.containment.models import Zone

    active = Zone.objects.filter(state="active")
    by = active.values("level__name").annotate(n=Count("id")).values_list("level__name", "n")
    return [[_("Zones in force"), active.count()], *[[name, n] for name, n in by]]


def _transfers(day: date) -> Figures:
    from fangkong.containment.models import Transfer

    start, end = _day_bounds(day)
    return [
        [_("Dispatched today"), Transfer.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end).count()],
        [_("Under way"), Transfer.objects.filter(state__in=["dispatched", "picked_up", "arrived"]).count()],
        [_("In isolation"), Transfer.objects.filter(state="received").count()],
    ]


def _hazards(day: date) -> Figures:
    from fangkong.safety.models import Hazard

    start, end = _day_bounds(day)
    open_ = Hazard.objects.exclude(state="closed")
    return [
        [_("Hazards found today"), Hazard.objects.filter(found_at__gte=start, found_at__lt=end).count()],
        [_("Open hazards"), open_.count()],
        [_("Of which major"), open_.filter(grade="major").count()],
        [_("Past their deadline"), open_.exclude(state="accepted").filter(deadline__lt=end).count()],
        [_("Closed today"), Hazard.objects.filter(closed_at__gte=start, closed_at__lt=end).count()],
    ]


def _duty(day: date) -> Figures:
    from .models import DutyShift

    start, end = _day_bounds(day)
    shifts = DutyShift.objects.filter(starts_at__lt=end, ends_at__gt=start).annotate(
        leaders=Count("assignments", filter=Q(assignments__role="leader")),
        checked=Count("assignments", filter=Q(assignments__checked_in_at__isnull=False)),
    )
    return [
        [_("Shifts"), shifts.count()],
        [_("Without a leader on duty"), sum(1 for s in shifts if not s.leaders)],
        [_("Nobody checked in"), sum(1 for s in shifts if not s.checked and s.starts_at <= clock.now())],
    ]


def _reports(day: date) -> Figures:
    from .models import ReportAssignment, ReportSubmission

    due = ReportAssignment.objects.filter(template__active=True, template__schedule="daily", since__lte=day).count()
    filed = ReportSubmission.objects.filter(period=day, assignment__template__schedule="daily")
    return [
        [_("Daily reports due"), due],
        [_("Filed"), filed.count()],
        [_("Zero reports"), filed.filter(zero=True).count()],
        [_("Filed late"), sum(1 for s in filed.only("submitted_at", "due_at") if s.submitted_at > s.due_at)],
    ]


SECTIONS: list[tuple[str, str, Callable[[date], Figures]]] = [
    ("arrivals", "外防输入：卡口与抵达", _arrivals),
    ("closed_loop", "闭环管理", _closed_loop),
    ("testing", "核酸检测", _testing),
    ("positives", "阳性与病例", _positives),
    ("zones", "三区管控", _zones),
    ("transfers", "转运隔离", _transfers),
    ("hazards", "安全生产隐患", _hazards),
    ("duty", "值班值守", _duty),
    ("reports", "信息报送", _reports),
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
    for order, (key, title, compute) in enumerate(SECTIONS):
        figures = [[str(label), value if isinstance(value, int) else str(value)] for label, value in compute(day)]
        section, created = SituationSection.objects.get_or_create(
            report=report, key=key, defaults={"order": order, "title": title, "figures": figures}
        )
        if not created and section.figures != figures:
            section.figures, section.approved_by, section.approved_at = figures, None, None
            section.save(update_fields=["figures", "approved_by", "approved_at"])
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
    _controller(actor)
    report = SituationReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound
    waiting = [s.title for s in report.sections.filter(approved_at__isnull=True)]
    if waiting:
        raise FieldError(
            "state", _("Sections not approved yet: %(s)s.") % {"s": "、".join(waiting)}, code=Code.WRONG_STATE
        )
    if report.state != SituationReport.State.PUBLISHED:
        report.state, report.published_at, report.published_by = SituationReport.State.PUBLISHED, clock.now(), actor
        report.save(update_fields=["state", "published_at", "published_by"])
        audit_record(actor=actor, action="situation.publish", obj=report)
    return report


def as_xlsx(report: SituationReport) -> bytes:
    from fangkong.core.xlsx import Sheet, Styled, workbook_sheets

    def rows():
        yield [
            Styled(
                f"兴隆台区疫情防控和安全生产日报 {report.day.isoformat()}"
                + ("" if report.state == "published" else "（草稿）"),
                size=14,
            )
        ]
        for section in report.sections.all():
            yield []
            yield [Styled(section.title)]
            yield from ([label, value] for label, value in section.figures)
            if section.text:
                yield [section.text]

    return workbook_sheets([Sheet(report.day.isoformat(), rows(), widths={"A": 40, "B": 16})])


def as_pdf(report: SituationReport) -> bytes:
    """The report as PDF (WeasyPrint; Chinese needs a CJK font on the server, e.g. Debian's fonts-noto-cjk)."""
    from weasyprint import HTML

    html = render_to_string("command/situation_print.html", {"report": report, "sections": report.sections.all()})
    return HTML(string=html).write_pdf()
