"""A new district from its sheets in one go (`fangkong setup-district FOLDER`): the jurisdiction tree, the units,
the places, the staff and, if given, the residents — in that order, each through the same import an administrator
uses on the pages, as that administrator. A sheet is found by its name (`jurisdictions.csv` or `辖区.xlsx`, with or
without a leading number: `1-jurisdictions.csv`); a missing one is skipped. docs/onboarding.md walks through it with
the sample sheets in docs/onboarding/sample.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import places, staff_import, tree, units
from .importing import people_import

SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")


@dataclass(frozen=True)
class Step:
    key: str
    names: tuple[str, ...]  # the file's stem, as people name it
    load: Callable[..., object]


STEPS: tuple[Step, ...] = (
    Step("jurisdictions", ("jurisdictions", "辖区", "区划"), tree.jurisdictions_import),
    Step("units", ("units", "单位"), units.units_import),
    Step("places", ("places", "地点", "小区楼栋"), places.places_import),
    Step("staff", ("staff", "人员", "工作人员", "账号"), staff_import.staff_import),
    Step("residents", ("residents", "居民", "花名册"), people_import),
)


@dataclass
class Loaded:
    key: str
    path: Path
    result: dict


def _stem(path: Path) -> str:
    return re.sub(r"^[0-9]+[-_. ]*", "", path.stem).lower()


def sheets_in(folder: Path) -> list[tuple[Step, Path]]:
    """The folder's sheets in loading order, one per step (the first by name when several would do)."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    found = []
    for step in STEPS:
        match = next((p for p in files if _stem(p) in step.names), None)
        if match is not None:
            found.append((step, match))
    return found


def district_load(*, actor, folder: Path, progress: Callable[[Loaded], None] = lambda loaded: None) -> list[Loaded]:
    """Load every sheet of `folder` in order as `actor`; each step's result as its import answers it."""
    out = []
    for step, path in sheets_in(folder):
        result = step.load(actor=actor, filename=path.name, content=path.read_bytes())
        loaded = Loaded(step.key, path, result.as_dict())  # type: ignore[attr-defined]
        out.append(loaded)
        progress(loaded)
    return out
