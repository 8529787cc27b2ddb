"""Information reporting: templates (fields as data), assignments, submissions or zero reports, and the
completeness / timeliness figures with the missing reports flagged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.dates import ClockTime, Day
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, scope_for

from .directives import _check_reach, _mine_q, parse_recipients
from .models import ReportAssignment, ReportSubmission, ReportTemplate

FIELD_TYPES = ("number", "text", "choice")
FIELD_TYPE_LABELS = (
    ("number", gettext_lazy("A number")),
    ("text", gettext_lazy("A text")),
    ("choice", gettext_lazy("A choice")),
)


def _clean_fields(fields: list) -> list[dict]:
    out, keys = [], set()
    for row, f in enumerate(fields or []):
        if not isinstance(f, dict):
            raise FieldError(
                "fields", _("Each field is an object with key, label and type."), row=row, code=Code.INVALID
            )
        key, label, kind = str(f.get("key", "")).strip(), str(f.get("label", "")).strip(), f.get("type", "text")
        if not key.replace("_", "").isalnum():
            raise FieldError(
                "fields", _("A field needs its own key of letters, digits and underscores."), row=row, code=Code.INVALID
            )
        if key in keys:
            raise FieldError(
                "fields",
                _("A field needs its own key of letters, digits and underscores."),
                row=row,
                code=Code.DUPLICATE,
            )
        if not label:
            raise FieldError("fields", _("A field needs a label."), row=row, code=Code.REQUIRED)
        # The label names the field in the message: a page's form numbers its rows otherwise than the list.
        if kind not in FIELD_TYPES:
            raise FieldError(
                "fields",
                _("%(label)s: a field is a number, a text or a choice.") % {"label": label},
                row=row,
                code=Code.UNKNOWN_CHOICE,
            )
        choices = [str(c) for c in f.get("choices", [])] if kind == "choice" else []
        if kind == "choice" and not choices:
            raise FieldError(
                "fields",
                _("%(label)s: a choice field lists its choices.") % {"label": label},
                row=row,
                code=Code.REQUIRED,
            )
        keys.add(key)
        out.append({"key": key, "label": label, "type": kind, "choices": choices, "required": bool(f.get("required"))})
    if not out:
        raise FieldError("fields", _("A report has at least one field."), code=Code.REQUIRED)
    return out


FORM_ROWS = 8  # the template page's empty field rows


class TemplateCreateInput(FormInput):
    """A report template, from the API's body or the templates page's form, whose rows (`field_label_N`,
    `field_type_N`, `field_choices_N` separated by "/" or "、", `field_required_N`) become the fields; a row left
    without a label is not a field, and a row's key is its own (`field_key_N`) or made from its number."""

    name: str
    fields: list[dict[str, Any]]  # [{"key", "label", "type": "number|text|choice", "choices", "required"}]
    schedule: str = "daily"  # daily | weekly
    due_time: ClockTime | None = None  # default 16:00
    weekday: int = 0  # weekly: the day it is due (0 = Monday)

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        rows = []
        for n in range(1, FORM_ROWS + 1):
            label = str(post.get(f"field_label_{n}", "")).strip()
            if not label:
                continue
            choices = str(post.get(f"field_choices_{n}", "")).replace("、", "/").split("/")
            rows.append(
                {
                    "key": str(post.get(f"field_key_{n}", "")).strip() or f"f{n}",
                    "label": label,
                    "type": post.get(f"field_type_{n}", "text"),
                    "choices": [c.strip() for c in choices if c.strip()],
                    "required": f"field_required_{n}" in post,
                }
            )
        values["fields"] = rows
        return values


@transaction.atomic
def template_create(
    *, actor, name: str, fields: list, schedule: str = "daily", due_time: time | None = None, weekday: int = 0
) -> ReportTemplate:
    reach = scope_for(actor, Cap.DIRECTIVE_ISSUE)
    if reach.empty:
        raise Forbidden(Cap.DIRECTIVE_ISSUE)
    if not (name or "").strip():
        raise FieldError("name", _("Name the report."), code=Code.REQUIRED)
    if schedule not in ReportTemplate.Schedule.values:
        raise FieldError("schedule", _("Daily or weekly."), code=Code.UNKNOWN_CHOICE)
    if not 0 <= weekday <= 6:
        raise FieldError("weekday", _("0 (Monday) to 6 (Sunday)."), code=Code.OUT_OF_RANGE)
    template = ReportTemplate.objects.create(
        name=name.strip()[:100],
        fields=_clean_fields(fields),
        schedule=schedule,
        due_time=due_time or time(16, 0),
        weekday=weekday,
        created_by=actor,
        jpath=min(reach.paths, key=len),
    )
    audit_record(actor=actor, action="report.template", obj=template, fields={"fields": len(template.fields)})
    return template


def _template(actor, template_id: int) -> ReportTemplate:
    template = ReportTemplate.objects.filter(pk=template_id).first()
    if template is None or not scope_for(actor, Cap.TASK_OVERSEE).covers(template.jpath):
        raise NotFound
    return template


class TemplateAssignInput(FormInput):
    """Who files a report, from the API's body or the templates page's form: jurisdiction ids, or unit:ID."""

    recipients: list[int | str]
    since: Day | None = None


@transaction.atomic
def template_assign(*, actor, template_id: int, recipients: list, since: date | None = None) -> list[ReportAssignment]:
    template = _template(actor, template_id)
    parsed = parse_recipients(recipients)
    _check_reach(actor, parsed, recipients, None)
    start = since or clock.localdate()
    made = []
    for r in parsed:
        exists = ReportAssignment.objects.filter(template=template, jurisdiction=r.jurisdiction, unit=r.unit)
        if not exists.exists():
            made.append(
                ReportAssignment.objects.create(
                    template=template, jurisdiction=r.jurisdiction, unit=r.unit, since=start, jpath=r.path
                )
            )
    audit_record(
        actor=actor, action="report.assign", obj=template, fields={"reporters": [a.reporter.name for a in made]}
    )
    return made


def reporter_choices(*, user) -> tuple[list, list]:
    """Whom a report may be asked of: the jurisdictions below one's own (streets, communities and villages; grids
    report through their community) and the units within reach."""
    from fangkong.registry.models import Jurisdiction, Unit
    from fangkong.registry.selectors import jurisdictions_within, units_within

    own = scope_for(user, Cap.DIRECTIVE_ISSUE).paths  # downwards only (directives' rule, `_check_reach`)
    places = (
        jurisdictions_within(user=user, cap=Cap.DIRECTIVE_ISSUE)
        .filter(retired_on__isnull=True)
        .exclude(path__in=own)
        .exclude(level=Jurisdiction.Level.GRID)
        .order_by("path")
    )
    kinds: list[str] = [
        Unit.Kind.DEPARTMENT,
        Unit.Kind.CLINIC,
        Unit.Kind.SCHOOL,
        Unit.Kind.ENTERPRISE,
        Unit.Kind.CHECKPOINT,
    ]
    units = units_within(user=user, cap=Cap.DIRECTIVE_ISSUE, kinds=kinds).order_by("kind", "name")
    return list(places[:1000]), list(units[:500])


def assignments_mine(*, user):
    return ReportAssignment.objects.filter(_mine_q(user), template__active=True).select_related("template")


def due_now(*, user) -> list[tuple[ReportAssignment, datetime, ReportSubmission | None]]:
    """The reports the user files, each with the current period's due moment and its filing if any — two
    queries whatever the number of reports (the page and the API both show this)."""
    today = clock.localdate()
    assignments = list(assignments_mine(user=user))
    periods = {a.pk: a.template.period_of(today) for a in assignments}
    filed = {
        (s.assignment_id, s.period): s
        for s in ReportSubmission.objects.filter(assignment__in=assignments, period__in=set(periods.values()))
    }
    return [(a, a.template.due_at(periods[a.pk]), filed.get((a.pk, periods[a.pk]))) for a in assignments]


def templates_visible(*, user):
    """The report templates the user oversees (for the completeness view and the templates page), each with the
    number of its reporters."""
    return (
        ReportTemplate.objects.filter(scope_for(user, Cap.TASK_OVERSEE).q("jpath"))
        .annotate(reporters=Count("assignments"))
        .order_by("name")
    )


def _clean_values(template: ReportTemplate, values: dict) -> dict:
    out: dict[str, Any] = {}
    for f in template.fields:
        raw = values.get(f["key"])
        if raw in (None, ""):
            if f["required"]:
                raise FieldError(f["key"], _("Required."), code=Code.REQUIRED)
            continue
        if f["type"] == "number":
            try:
                number = float(raw)
            except (TypeError, ValueError) as exc:
                raise FieldError(f["key"], _("A number."), code=Code.INVALID) from exc
            out[f["key"]] = int(number) if number.is_integer() else number
        elif f["type"] == "choice":
            if str(raw) not in f["choices"]:
                raise FieldError(
                    f["key"], _("One of: %(c)s.") % {"c": ", ".join(f["choices"])}, code=Code.UNKNOWN_CHOICE
                )
            out[f["key"]] = str(raw)
        else:
            out[f["key"]] = str(raw)[:2000]
    unknown = set(values) - {f["key"] for f in template.fields}
    if unknown:
        raise FieldError(sorted(unknown)[0], _("This report has no such field."), code=Code.NOT_FOUND)
    return out


class ReportSubmitInput(FormInput):
    """A report filed (or a zero report: nothing to report), from the API's body or the reports page's form."""

    assignment_id: int
    period: Day | None = None  # today's period unless given
    values: dict[str, Any] = {}  # by the report's field keys
    zero: bool = False  # 零报告: nothing to report

    @classmethod
    def form_values(cls, post) -> dict:
        """The page names each of the report's fields `values.<key>` (a key of the report's own may be any word,
        "zero" too); one left empty is not reported, as the API's client leaves out what it does not report."""
        values = super().form_values(post)
        values["values"] = {
            name.removeprefix("values."): value
            for name, value in post.items()
            if name.startswith("values.") and str(value).strip() != ""
        }
        return values


def report_submit(
    *, actor, assignment_id: int, period: date | None = None, values: dict | None = None, zero: bool = False
) -> ReportSubmission:
    """File the report for a period (today's by default), or a zero report. Twice for one period is refused."""
    assignment = assignments_mine(user=actor).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound
    template = assignment.template
    period = template.period_of(period or clock.localdate())
    if period < assignment.since or period > template.period_of(clock.localdate()):
        raise FieldError("period", _("No report is due for this period."), code=Code.OUT_OF_RANGE)
    cleaned = {} if zero else _clean_values(template, values or {})
    if not zero and not cleaned:
        raise FieldError(
            "values", _("Fill in the report, or file a zero report (nothing to report)."), code=Code.REQUIRED
        )
    try:
        with transaction.atomic():
            submission = ReportSubmission.objects.create(
                assignment=assignment,
                period=period,
                values=cleaned,
                zero=zero,
                submitted_by=actor,
                due_at=template.due_at(period),
            )
            audit_record(
                actor=actor,
                action="report.submit",
                obj=template,
                jpath=assignment.jpath,
                fields={
                    "period": period.isoformat(),
                    "zero": zero,
                    "late": submission.submitted_at > submission.due_at,
                },
            )
    except IntegrityError as exc:
        raise FieldError("period", _("This period's report was filed already."), code=Code.DUPLICATE) from exc
    return submission


@dataclass
class Completeness:
    assignment: ReportAssignment
    expected: int
    submitted: int
    on_time: int
    missing: list[date] = field(default_factory=list)

    @property
    def completeness(self) -> float:
        return self.submitted / self.expected if self.expected else 1.0

    @property
    def timeliness(self) -> float:
        return self.on_time / self.expected if self.expected else 1.0


def completeness(*, user, template_id: int, since: date, until: date, missing_limit: int = 31) -> list[Completeness]:
    """Per reporter: periods due so far, filed, filed on time, and the latest missing periods (at most
    `missing_limit` each). One aggregate query for the counts; the periods are arithmetic."""
    template = _template(user, template_id)
    if until < since:
        raise FieldError("until", _("The end of the period comes after its start."), code=Code.END_BEFORE_START)
    now = clock.now()
    due_periods = [p for p in template.periods(since, until) if template.due_at(p) <= now]
    assignments = list(
        ReportAssignment.objects.filter(template=template)
        .filter(scope_for(user, Cap.TASK_OVERSEE).q("jpath"))
        .select_related("jurisdiction", "unit")
        .order_by("jpath", "pk")
    )
    counts = {
        row["assignment_id"]: row
        for row in ReportSubmission.objects.filter(assignment__in=assignments, period__gte=since, period__lte=until)
        .values("assignment_id")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(submitted_at__lte=F("due_at"))))
    }
    out = []
    for a in assignments:
        expected_periods = [p for p in due_periods if p >= a.since]
        row = counts.get(a.pk, {"n": 0, "on_time": 0})
        out.append(
            Completeness(assignment=a, expected=len(expected_periods), submitted=row["n"], on_time=row["on_time"])
        )
    gaps = {c.assignment.pk: c for c in out if c.submitted < c.expected}
    if gaps and missing_limit:
        filed: dict[int, set[date]] = {pk: set() for pk in gaps}
        for pk, period in ReportSubmission.objects.filter(
            assignment_id__in=list(gaps), period__gte=since, period__lte=until
        ).values_list("assignment_id", "period"):
            filed[pk].add(period)
        for pk, item in gaps.items():
            expected_periods = [p for p in due_periods if p >= item.assignment.since]
            item.missing = [p for p in reversed(expected_periods) if p not in filed[pk]][:missing_limit]
    return out
