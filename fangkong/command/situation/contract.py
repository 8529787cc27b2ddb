"""What a section of the daily report is, and how it is read.

A section is compiled once (`Kind.compute`: the day's numbers from the module that owns them, stored with the
report) and read many times, each time in the reader's language: the stored data holds codes and numbers only
(an instruction's value, a state's value, a zone level's name), never a sentence or a label, so that a report
compiled in Chinese reads in English to an English reader and a published report stays what was approved.

Stored in `SituationSection.figures` (a JSON field), version 2:

    {"v": 2,
     "facts": {"arrivals": 1234, …},                      # the numbers the sentence is made of
     "tables": {"instructions": [["let_pass", 1200], …]},  # rows: a code (or a name), then numbers
     "trend": {"days": ["2022-05-01", …], "series": [{"name": "screening.arrivals", "kind": "line",
               "tone": "", "values": [3, 5, …]}]}}        # the hall's trend (core.hall), or null

Reports compiled before (a list of [label, value]) are read as they were written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import clock
from fangkong.core.bilingual import in_reader_language

VERSION = 2

Facts = Mapping[str, int]
Rows = list[list[Any]]
Tables = Mapping[str, Rows]


@dataclass(frozen=True)
class Compiled:
    """A section's day as `compute` finds it: numbers by key, and the rows of its tables (codes, not labels)."""

    facts: dict[str, int]
    tables: dict[str, Rows] = field(default_factory=dict)


def choice(enum: type[TextChoices]) -> Callable[[Any], str]:
    """A stored code as its enum's label in the reader's language (one place per enum: its TextChoices); a code
    the enum no longer has reads as "Other", never as the code."""

    def label(code: Any) -> str:
        labels = dict(enum.choices)
        return str(labels[code]) if code in labels else _("Other")

    return label


def as_is(value: Any) -> str:
    """Data that is already words (a street's name): shown as stored. District data with an English version (a
    level's name) is stored as {"name": 封控区, "en": "Sealed zone"} (`bilingual`) and read in the reader's
    language."""
    if isinstance(value, dict):
        return in_reader_language(str(value.get("name", "")), str(value.get("en", "")))
    return "" if value is None else str(value)


def bilingual(name: str, english: str | None) -> dict[str, str] | str:
    """A stored cell of district data with its English version, as the day read it (`as_is` shows it)."""
    return {"name": name, "en": english} if english else name


@dataclass(frozen=True)
class TableSpec:
    """A table of a section: its title and column headings (translated when read), and how its first cell (a stored
    code or a name) reads."""

    key: str
    title: str | Promise
    columns: tuple[str | Promise, ...]
    label: Callable[[Any], str] = as_is


@dataclass(frozen=True)
class Kind:
    """A section of the report: its title, how its day is compiled, its figures' labels, its sentence, its tables,
    and the hall's chart (`core.hall.register_chart`'s name) its trend comes from."""

    key: str
    title: str | Promise
    compute: Callable[[date], Compiled]
    facts: tuple[tuple[str, str | Promise], ...]  # (key, label), in the order of the figures
    sentence: Callable[[Facts, Tables], str]  # the day in words, from the stored numbers and rows
    tables: tuple[TableSpec, ...] = ()
    chart: str = ""


# --- compiling -------------------------------------------------------------------------------------------------


def bounds(day: date) -> tuple[datetime, datetime]:
    """The district's calendar day as [start, end)."""
    start = clock.start_of_day(day)
    return start, start + timedelta(days=1)


def ordered(counts: Mapping[Any, int], codes: list) -> Rows:
    """[[code, n]] in the enum's order (then any code it no longer has), without the zeros."""
    rest = sorted((c for c in counts if c not in codes and counts[c]), key=str)
    return [[c, counts[c]] for c in [*(c for c in codes if counts.get(c)), *rest]]


# --- reading ---------------------------------------------------------------------------------------------------


def number(n: int) -> str:
    """A count as the report prints it: 1,234."""
    return f"{n:,}"


def listing(items: list[tuple[str, int]], unit: Callable[[str, str], str]) -> str:
    """ "Central isolation 3, home isolation 9" — each (label, count) worded by `unit`, in the language's list."""
    return pgettext("list separator", ", ").join(unit(label, number(n)) for label, n in items if n)


def people(label: str, n: str) -> str:
    """ "Central isolation 3" of people: 集中隔离 3 人."""
    return pgettext("people", "%(label)s %(n)s") % {"label": label, "n": n}


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]  # labels and numbers (the workbook keeps numbers as numbers)

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (set right, as figures are)."""
        return [
            bool(self.rows) and all(j < len(r) and isinstance(r[j], int) for r in self.rows)
            for j in range(len(self.columns))
        ]

    @property
    def heads(self) -> list[tuple[str, bool]]:
        return list(zip(self.columns, self.numeric, strict=False))

    @property
    def lines(self) -> list[list[tuple[str, bool]]]:
        """The rows as the page and the PDF print them: 1,234."""
        return [[(number(v) if isinstance(v, int) else v, isinstance(v, int)) for v in r] for r in self.rows]


@dataclass(frozen=True)
class Series:
    label: str
    kind: str  # line | bar
    tone: str  # "" | warn | bad
    values: list[int]


@dataclass(frozen=True)
class Chart:
    title: str
    days: list[date]
    series: list[Series]

    def as_json(self) -> str:
        """What the page's script draws (static/command/situation.js)."""
        return json.dumps(
            {
                "days": [d.strftime("%m-%d") for d in self.days],
                "series": [{"label": s.label, "kind": s.kind, "tone": s.tone, "values": s.values} for s in self.series],
            },
            ensure_ascii=False,
        )

    def svg(self) -> str:
        from .chart import svg

        return svg(self)


@dataclass(frozen=True)
class Shown:
    """A section as a reader reads it, in the active language."""

    key: str
    title: str
    sentence: str
    figures: list[tuple[str, Any]]  # the labelled numbers (the API's figures, the workbook's rows)
    tables: list[Table]
    chart: Chart | None
