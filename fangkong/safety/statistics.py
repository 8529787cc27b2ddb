"""Hazard statistics: for regulators and HQ, hazards by grade and state, street and industry, the rectification
rate and the overdue list, exportable as a workbook; for enterprises, the hazard statistics they file each quarter
(by the 15th of the next month) and each year (by 31 January), the figures computed from their own hazards, late
and missing filings read from the clock."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, unit_ids_for
from fangkong.core.text import foreign_digits
from fangkong.core.xlsx import Sheet, csv_chunks, workbook_sheets
from fangkong.registry.models import Jurisdiction

from .hazards import lacking_assurances_q, overdue_q
from .labels import industry_label
from .models import Hazard, StatsFiling
from .selectors import enterprises_visible, reach_q

PERIOD = re.compile(r"([0-9]{4})(?:Q([1-4]))?")  # [0-9], not \d: "٢٠٢٦" would be a second 2026


def period_clean(period: str) -> str:
    """The period as it is filed and looked up ("2026Q3" or "2026") from what was typed: full-width digits and a
    lower-case q are the same period (stored as typed, each was a second filing)."""
    text = unicodedata.normalize("NFKC", period or "").strip().upper()
    if foreign_digits(text):
        raise FieldError("period", _("Write the period with the digits 0-9, like 2026Q3."), code=Code.DIGITS)
    if not PERIOD.fullmatch(text):
        raise FieldError("period", _("A quarter like 2026Q3 or a year like 2026."), code=Code.INVALID)
    return text


def period_bounds(period: str) -> tuple[date, date, datetime]:
    """First day, day after the last, and the due moment of "2026Q3" or "2026"."""
    m = PERIOD.fullmatch(period_clean(period))
    if m is None:  # period_clean refused it already; this tells the type checker
        raise FieldError("period", _("A quarter like 2026Q3 or a year like 2026."), code=Code.INVALID)
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
    if enterprise_id not in own:  # another enterprise's: as if it did not exist
        raise NotFound
    period = period_clean(period)
    start, end, due = period_bounds(period)
    if clock.localdate() < end:
        raise FieldError("period", _("A period is filed once it has ended."), code=Code.IN_FUTURE)
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
        raise FieldError("period", _("This period's statistics were filed already."), code=Code.DUPLICATE) from exc
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
    period = period_clean(period)
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
    """Hazards in the caller's scope by grade and state, by street and by industry, the rectification rate and the
    overdue count — from one grouped scan (grade × state × street × industry is a few hundred groups), summed here:
    four separate GROUP BYs read the 200,000 rows four times."""
    _require_reach(user)
    qs = Hazard.objects.filter(reach_q(user, via="enterprise__", industry="industry"))
    done = [Hazard.State.ACCEPTED, Hazard.State.CLOSED]
    # Grouped by the enterprise's place; its street is the first two segments of that path ("211103/004/", or
    # "211103/211103004000/" in a tree imported with statistical codes), whatever the codes' lengths.
    groups = (
        qs.values("grade", "state", "jpath", "industry")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=clock.now()) & ~Q(state__in=done)))
        .order_by()
    )
    by_state: dict[tuple[str, str], int] = {}
    by_street: dict[str, list[int]] = {}
    by_industry: dict[str, list[int]] = {}
    overdue = 0
    for r in groups:
        n, is_open = r["n"], r["state"] != Hazard.State.CLOSED
        by_state[(r["grade"], r["state"])] = by_state.get((r["grade"], r["state"]), 0) + n
        street = "/".join(r["jpath"].split("/")[:2]) + "/"
        for table, key in ((by_street, street), (by_industry, r["industry"] or "")):
            row = table.setdefault(key, [0, 0])
            row[0] += n
            row[1] += n if is_open else 0
        overdue += r["overdue"]
    names = dict(Jurisdiction.objects.filter(level="street").values_list("path", "name"))
    total = sum(by_state.values())
    closed = sum(n for (_g, state), n in by_state.items() if state == Hazard.State.CLOSED)
    return {
        "by_grade_state": [{"grade": g, "state": st, "n": n} for (g, st), n in sorted(by_state.items())],
        "by_street": [{"street": names.get(k, k), "hazards": v[0], "open": v[1]} for k, v in sorted(by_street.items())],
        "by_industry": [{"industry": k, "hazards": v[0], "open": v[1]} for k, v in sorted(by_industry.items())],
        "total": total,
        "rectification_rate": round(closed / total, 4) if total else 1.0,
        "overdue": overdue,
    }


def _require_reach(user) -> None:
    """Statistics are for those who oversee enterprises: anyone else is refused rather than shown zeros."""
    if not enterprises_visible(user=user).exists():
        raise Forbidden(Cap.SAFETY_VIEW)


# The workbook carries the oldest overdue hazards (openpyxl spends ~20 µs a cell); the whole list is the CSV.
EXPORT_OVERDUE_ROWS = 20_000


def overdue_hazards(*, user) -> QuerySet[Hazard]:
    """Hazards past their rectification deadline (not yet accepted or closed), oldest deadline first (read along
    a partial index of open hazards' deadlines)."""
    _require_reach(user)
    return (
        Hazard.objects.filter(reach_q(user, via="enterprise__", industry="industry"), overdue_q(clock.now()))
        .select_related("enterprise")
        .order_by("deadline", "pk")
    )


def statistics_xlsx(*, user) -> bytes:
    """The statistics as a workbook: a sheet each for grade × state, streets, industries and the overdue list
    (streamed: openpyxl's write-only mode keeps memory flat however long the list)."""
    s = hazard_statistics(user=user)
    states = {k: str(v) for k, v in Hazard.State.choices}  # translated once, not per row
    grades = {k: str(v) for k, v in Hazard.Grade.choices}
    summary = [
        [_("Hazards"), s["total"]],
        [_("Rectification rate"), s["rectification_rate"]],
        [pgettext("hazard", "Overdue"), s["overdue"]],
        [],
        [_("Grade"), _("State"), _("Hazards")],
        *(
            [grades.get(r["grade"], r["grade"]), states.get(r["state"], r["state"]), r["n"]]
            for r in s["by_grade_state"]
        ),
    ]
    sheets = [Sheet(_("Summary"), summary)]
    for title, key, rows, label in (
        (_("Streets"), "street", s["by_street"], str),
        (_("Industries"), "industry", s["by_industry"], industry_label),
    ):
        # A list, built now: a generator would read `key` after the loop moved on.
        table = [[label(r[key]) or "—", r["hazards"], r["open"]] for r in rows]
        sheets.append(Sheet(title, table, [title, _("Hazards"), pgettext("hazard", "Open")]))
    now = clock.now()
    overdue = overdue_hazards(user=user).values_list("enterprise__name", "grade", "state", "description", "deadline")

    def overdue_rows():
        # Plain tuples, not model instances: the list can be a hundred thousand rows long.
        for name, grade, state, description, deadline in overdue[:EXPORT_OVERDUE_ROWS].iterator(chunk_size=5000):
            yield [
                name,
                grades.get(grade, grade),
                states.get(state, state),
                description,
                clock.localtime(deadline),
                (now - deadline).days,
            ]
        if s["overdue"] > EXPORT_OVERDUE_ROWS:
            yield []
            yield [
                _("The oldest %(n)s of %(total)s overdue hazards; the whole list: overdue.csv")
                % {"n": f"{EXPORT_OVERDUE_ROWS:,}", "total": f"{s['overdue']:,}"}
            ]

    header = [_("Enterprise"), _("Grade"), _("State"), _("Description"), _("Deadline"), _("Days overdue")]
    sheets.append(Sheet(pgettext("hazard", "Overdue"), overdue_rows(), header))
    return workbook_sheets(sheets)


def overdue_csv(*, user):
    """The whole overdue list as CSV text chunks (UTF-8 with a byte-order mark, so Excel reads the Chinese),
    streamed."""
    states = {k: str(v) for k, v in Hazard.State.choices}
    grades = {k: str(v) for k, v in Hazard.Grade.choices}
    now = clock.now()
    rows = overdue_hazards(user=user).values_list("pk", "enterprise__name", "grade", "state", "description", "deadline")
    header = ["id", _("Enterprise"), _("Grade"), _("State"), _("Description"), _("Deadline"), _("Days overdue")]
    return csv_chunks(
        header,
        (
            [
                pk,
                name,
                grades.get(grade, grade),
                states.get(state, state),
                text,
                clock.localtime(deadline),
                (now - deadline).days,
            ]
            for pk, name, grade, state, text, deadline in rows.iterator(chunk_size=5000)
        ),
    )


def review_desk(*, user, limit: int = 200) -> dict:
    """What the regulator's desk lists: applications for acceptance with the days left of the 10-day review,
    major hazards still missing one of the five assurances, public reports not yet verified, the overdue."""
    from fangkong.core import clock

    from .hazards import REVIEW_DAYS
    from .selectors import hazards_visible
    from .tips import tips_visible

    visible = hazards_visible(user=user)
    now = clock.now()
    return {
        "applied": [
            (h, REVIEW_DAYS - (now - h.applied_at).days)  # type: ignore[operator]  # set when applied
            for h in visible.filter(state=Hazard.State.APPLIED).order_by("applied_at")[:limit]
        ],
        "pending": list(visible.filter(lacking_assurances_q()).order_by("deadline")[:limit]),
        "tips": list(tips_visible(user=user).filter(state="received").order_by("reported_at")[:limit]),
        "overdue": list(overdue_hazards(user=user)[:limit]),
    }
