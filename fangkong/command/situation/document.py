"""The report as a document: its sections (every module's, in order), each section's stored day read in the
reader's language (`show`), and the heading of an official daily report — the issuing headquarters, the issue's
number in its year, the date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from ..models import SituationReport, SituationSection
from . import cases, entry, work
from .contract import VERSION, Chart, Compiled, Kind, Series, Shown, Table

TREND_DAYS = 14


@cache
def sections() -> tuple[Kind, ...]:
    """The report's sections in their order (built once: their tables name the modules' enums)."""
    return (*entry.kinds(), *cases.kinds(), *work.kinds())


def kind_of(key: str) -> Kind | None:
    return next((k for k in sections() if k.key == key), None)


def trend_days(day: date) -> list[date]:
    return [day - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]


def compiled_trends(user, day: date) -> dict[str, dict]:
    """The hall's trends (core.hall.register_trend: what each module counts per day) over the district for the
    `TREND_DAYS` up to `day`, by chart: what the sections store and draw. As `user` (the controller) may see them."""
    from fangkong.core.hall import Area, trends_for
    from fangkong.registry.models import Jurisdiction

    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        return {}
    days = trend_days(day)
    area = Area(id=root.pk, name=root.name, path=root.path, level=root.level)
    return {
        chart.name: {
            "days": [d.isoformat() for d in days],
            "series": [
                {"name": t.name, "kind": t.kind, "tone": t.tone, "values": values} for t, values in chart.series
            ],
        }
        for chart in trends_for(user, area, days)
    }


def stored(compiled: Compiled, trend: dict | None) -> dict:
    return {"v": VERSION, "facts": compiled.facts, "tables": compiled.tables, "trend": trend}


def same_figures(old: Any, new: dict) -> bool:
    """Whether a recompiled section says what was approved: its numbers and rows (a trend redrawn is not a change
    of what the controller approved)."""
    return isinstance(old, dict) and old.get("facts") == new["facts"] and old.get("tables") == new["tables"]


def _chart(kind: Kind, trend: dict | None) -> Chart | None:
    from fangkong.core.hall import chart_named, trend_named

    if not trend or not trend.get("series"):
        return None
    series = []
    for s in trend["series"]:
        registered = trend_named(s["name"])
        if registered is not None:  # a trend no module registers any more is left out, not shown by its name
            series.append(Series(str(registered.label), s.get("kind", "line"), s.get("tone", ""), list(s["values"])))
    if not any(v for s in series for v in s.values):
        return None  # nothing happened in these days: a flat line at nought says no more than the sentence
    chart = chart_named(kind.chart)
    title = _("%(chart)s, the last %(n)s days") % {"chart": chart.label if chart else kind.title, "n": TREND_DAYS}
    return Chart(str(title), [date.fromisoformat(d) for d in trend["days"]], series)


def show(section: SituationSection) -> Shown:
    """A section as its reader reads it: title, sentence, labelled figures, tables with every code as its label,
    the trend."""
    kind, data = kind_of(section.key), section.figures
    if kind is None or not isinstance(data, dict) or data.get("v") != VERSION:
        # Compiled before the sections were worded: [[label, value]] as they were written then.
        rows = (
            [(str(r[0]), r[1]) for r in data if isinstance(r, list) and len(r) == 2] if isinstance(data, list) else []
        )
        return Shown(section.key, str(kind.title) if kind else section.title, "", rows, [], None)
    # A number a later version of the section adds reads as nought in a report compiled before it.
    facts, tables = defaultdict(int, data.get("facts") or {}), data.get("tables") or {}
    shown_tables = []
    for spec in kind.tables:
        rows = tables.get(spec.key) or []
        if rows:
            shown_tables.append(
                Table(str(spec.title), [str(c) for c in spec.columns], [[spec.label(r[0]), *r[1:]] for r in rows])
            )
    return Shown(
        key=section.key,
        title=str(kind.title),
        sentence=kind.sentence(facts, tables),
        figures=[(str(label), facts.get(key, 0)) for key, label in kind.facts],
        tables=shown_tables,
        chart=_chart(kind, data.get("trend")),
    )


# --- the heading -----------------------------------------------------------------------------------------------


def numbers(reports: Iterable[SituationReport]) -> dict[int, int]:
    """{report id: its issue number} for the published ones among `reports`: counted in the year of the report's
    day, in the order they were published (an issue keeps its number whatever is published after it)."""
    years = {r.day.year for r in reports if r.state == SituationReport.State.PUBLISHED}
    if not years:
        return {}
    q = Q()
    for year in years:
        q |= Q(day__year=year)
    out: dict[int, int] = {}
    seen: dict[int, int] = {}
    rows = (
        SituationReport.objects.filter(q, state=SituationReport.State.PUBLISHED)
        .order_by("published_at", "pk")
        .values_list("pk", "day")
    )
    for pk, day in rows:
        seen[day.year] = seen.get(day.year, 0) + 1
        out[pk] = seen[day.year]
    return out


@dataclass(frozen=True)
class Heading:
    issuer: str  # 兴隆台区疫情防控指挥部
    title: str  # 疫情防控和安全生产工作日报
    number: str  # 第 12 期; "" while a draft
    date: str  # 2022年5月1日
    draft: bool
    published_at: datetime | None


def heading(report: SituationReport) -> Heading:
    from fangkong.registry.models import Jurisdiction

    district = Jurisdiction.objects.filter(parent__isnull=True).order_by("path").values_list("name", flat=True).first()
    n = numbers([report]).get(report.pk)
    return Heading(
        issuer=_("%(district)s Epidemic Prevention and Control Headquarters") % {"district": district or ""},
        title=_("Daily report on epidemic prevention and work safety"),
        number=_("No. %(n)s") % {"n": n} if n else "",
        date=formats.date_format(report.day, "DATE_FORMAT"),
        draft=report.state != SituationReport.State.PUBLISHED,
        published_at=report.published_at,
    )


def ordinal(n: int) -> str:
    """A section's number in the document: 一、二、… in Chinese, 1. 2. … otherwise."""
    from django.utils.translation import get_language

    if (get_language() or "").startswith("zh") and 1 <= n <= 99:
        digits = "零一二三四五六七八九"
        tens, ones = divmod(n, 10)
        text = (digits[tens] if tens > 1 else "") + ("十" if tens else "") + (digits[ones] if ones else "")
        return f"{text}、"
    return f"{n}. "
