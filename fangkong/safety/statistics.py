"""Hazard statistics: for regulators and HQ, hazards by grade and state, street and industry, the rectification
rate and the overdue list, exportable as a workbook; for enterprises, the hazard statistics they file each quarter
(by the 15th of the next month) and each year (by 31 January), the figures computed from their own hazards, late
and missing filings read from the clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, unit_ids_for
from fangkong.registry.models import Jurisdiction

from .hazards import enterprises_visible, reach_q
from .models import Hazard, StatsFiling

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


def period_bounds(period: str) -> tuple[date, date, datetime]:
    """First day, day after the last, and the due moment of "2026Q3" or "2026"."""
    m = PERIOD.match(period or "")
    if not m:
        raise FieldError("period", _("A quarter like 2026Q3 or a year like 2026."))
    year, quarter = int(m.group(1)), m.group(2)
    tz = timezone.get_default_timezone()
    if quarter:
        q = int(quarter)
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        due_day = date(end.year, end.month, 15)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        due_day = date(year + 1, 1, 31)
    return start, end, timezone.make_aware(datetime.combine(due_day, time(23, 59)), tz)


def _figures(enterprise_id: int, start: date, end: date) -> dict[str, int]:
    tz = timezone.get_default_timezone()
    a = timezone.make_aware(datetime.combine(start, time(0, 0)), tz)
    b = timezone.make_aware(datetime.combine(end, time(0, 0)), tz)
    row = Hazard.objects.filter(enterprise_id=enterprise_id).aggregate(
        found=Count("id", filter=Q(found_at__gte=a, found_at__lt=b)),
        major=Count("id", filter=Q(found_at__gte=a, found_at__lt=b, grade="major")),
        closed=Count("id", filter=Q(closed_at__gte=a, closed_at__lt=b)),
        open_at_end=Count("id", filter=Q(found_at__lt=b) & (Q(closed_at__isnull=True) | Q(closed_at__gte=b))),
    )
    return {k: int(v or 0) for k, v in row.items()}


def stats_file(*, actor, period: str, enterprise_id: int | None = None) -> StatsFiling:
    own = unit_ids_for(actor, Cap.SAFETY_SELF)
    if not own:
        raise Forbidden(Cap.SAFETY_SELF)
    enterprise_id = enterprise_id or min(own)
    if enterprise_id not in own:
        raise Forbidden(Cap.SAFETY_SELF)
    start, end, due = period_bounds(period)
    if clock.localdate() < end:
        raise FieldError("period", _("A period is filed once it has ended."))
    try:
        with transaction.atomic():
            filing = StatsFiling.objects.create(
                enterprise_id=enterprise_id,
                period=period,
                figures=_figures(enterprise_id, start, end),
                filed_by=actor,
                due_at=due,
            )
            audit_record(
                actor=actor,
                action="safety.stats_file",
                obj=filing,
                fields={"period": period, "late": filing.filed_at > due},
            )
    except IntegrityError as exc:
        raise FieldError("period", _("This period's statistics were filed already.")) from exc
    return filing


@dataclass
class FilingState:
    enterprise_id: int
    name: str
    filed: bool
    late: bool
    missing: bool  # due and not filed


def stats_overview(*, user, period: str) -> list[FilingState]:
    """For regulators and HQ: who filed, who filed late, who is missing (once due)."""
    _start, _end, due = period_bounds(period)
    now = clock.now()
    enterprises = list(enterprises_visible(user=user).values_list("pk", "name"))
    filings = {
        f.enterprise_id: f
        for f in StatsFiling.objects.filter(period=period, enterprise_id__in=[pk for pk, _n in enterprises])
    }
    return [
        FilingState(
            enterprise_id=pk,
            name=name,
            filed=pk in filings,
            late=pk in filings and filings[pk].filed_at > due,
            missing=pk not in filings and now > due,
        )
        for pk, name in enterprises
    ]


def hazard_statistics(*, user) -> dict:
    """Hazards in the caller's scope by grade and state, by street, the rectification rate and the overdue count —
    grouped in the database (one query each), so they hold at 200,000 hazards."""
    _require_reach(user)
    qs = Hazard.objects.filter(reach_q(user, via="enterprise__"))
    by_state = list(qs.values("grade", "state").annotate(n=Count("id")).order_by("grade", "state"))
    # A street's path is the district's segment and its own: "211103/004/" — the first 11 characters.
    by_street_rows = (
        qs.annotate(street=Substr("jpath", 1, 11))
        .values("street")
        .annotate(n=Count("id"), open=Count("id", filter=~Q(state=Hazard.State.CLOSED)))
    )
    by_industry_rows = (
        qs.values(industry=F("enterprise__safety_profile__industry"))
        .annotate(n=Count("id"), open=Count("id", filter=~Q(state=Hazard.State.CLOSED)))
        .order_by("industry")
    )
    names = dict(Jurisdiction.objects.filter(level="street").values_list("path", "name"))
    total = sum(r["n"] for r in by_state)
    closed = sum(r["n"] for r in by_state if r["state"] == Hazard.State.CLOSED)
    overdue = (
        qs.exclude(state__in=[Hazard.State.ACCEPTED, Hazard.State.CLOSED]).filter(deadline__lt=clock.now()).count()
    )
    return {
        "by_grade_state": by_state,
        "by_street": [
            {"street": names.get(r["street"], r["street"]), "hazards": r["n"], "open": r["open"]}
            for r in by_street_rows
        ],
        "by_industry": [
            {"industry": r["industry"] or "", "hazards": r["n"], "open": r["open"]} for r in by_industry_rows
        ],
        "total": total,
        "rectification_rate": round(closed / total, 4) if total else 1.0,
        "overdue": overdue,
    }


def _require_reach(user) -> None:
    """Statistics are for those who oversee enterprises: anyone else is refused rather than shown zeros."""
    if not enterprises_visible(user=user).exists():
        raise Forbidden(Cap.SAFETY_VIEW)


def overdue_hazards(*, user, limit: int = 500) -> QuerySet[Hazard]:
    """Hazards past their rectification deadline (not yet accepted or closed), oldest deadline first."""
    _require_reach(user)
    return (
        Hazard.objects.filter(reach_q(user, via="enterprise__"), deadline__lt=clock.now())
        .exclude(state__in=[Hazard.State.ACCEPTED, Hazard.State.CLOSED])
        .select_related("enterprise")
        .order_by("deadline")[:limit]
    )


def statistics_xlsx(*, user) -> bytes:
    """The statistics as a workbook: a sheet each for grade × state, streets, industries and the overdue list
    (streamed: openpyxl's write-only mode keeps memory flat however long the list)."""
    from io import BytesIO

    from openpyxl import Workbook

    s = hazard_statistics(user=user)
    states = dict(Hazard.State.choices)
    grades = dict(Hazard.Grade.choices)
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(_("Summary"))
    summary.append([_("Hazards"), s["total"]])
    summary.append([_("Rectification rate"), s["rectification_rate"]])
    summary.append([pgettext("hazard", "Overdue"), s["overdue"]])
    summary.append([])
    summary.append([_("Grade"), _("State"), _("Hazards")])
    for r in s["by_grade_state"]:
        summary.append([str(grades.get(r["grade"], r["grade"])), str(states.get(r["state"], r["state"])), r["n"]])
    for title, key, rows in (
        (_("Streets"), "street", s["by_street"]),
        (_("Industries"), "industry", s["by_industry"]),
    ):
        sheet = wb.create_sheet(title)
        sheet.append([title, _("Hazards"), pgettext("hazard", "Open")])
        for r in rows:
            sheet.append([r[key] or "—", r["hazards"], r["open"]])
    overdue = wb.create_sheet(pgettext("hazard", "Overdue"))
    overdue.append([_("Enterprise"), _("Grade"), _("State"), _("Description"), _("Deadline"), _("Days overdue")])
    now = clock.now()
    for h in overdue_hazards(user=user, limit=100_000).iterator(chunk_size=2000):
        overdue.append(
            [
                h.enterprise.name,
                str(grades.get(h.grade, h.grade)),
                str(states.get(h.state, h.state)),
                h.description,
                clock.localtime(h.deadline),
                (now - h.deadline).days,
            ]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
