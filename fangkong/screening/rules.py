"""What the checkpoint tells its staff to do with a passage, and which rule decided it. Pure: the facts and the
protocol in, a decision out; the services load and store.

Precedence (most urgent first): a red status code or a high-risk travel history → central isolation; a fever →
fever clinic; a medium- or low-risk history or a yellow code → register and notify the community; else let pass.
A closed-loop follow-up opens for the highest risk found, whatever the instruction (a feverish arrival from a
medium-risk area is escorted to the clinic *and* owned by the destination community).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Instruction, RiskArea, RiskLevel

LEVEL_ORDER: dict[str, int] = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}


@dataclass(frozen=True)
class Facts:
    direction: str
    origin: str
    visited: Sequence[str]
    trip_destinations: Sequence[str]  # destinations of the person's recent travel reports
    temperature: Decimal | None
    status_code: str
    at: datetime


@dataclass(frozen=True)
class Decision:
    instruction: str
    rule: str
    detail: str  # what matched: the place as typed, the temperature …
    level: str | None  # the protocol level of the follow-up to open, if any
    risk_area: RiskArea | None


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def area_matches(place: str, area: RiskArea) -> bool:
    """The place as typed is inside the area: it contains the area's name (上海市浦东新区张江镇 ⊂ 上海市浦东新区),
    names it without the province or city (浦东新区), or carries its area code as a prefix (310115…).
    A bare city name does not match a district of it: 上海 is not 上海市浦东新区."""
    typed, name = _norm(place), _norm(area.name)
    if not typed:
        return False
    if name and (name in typed or (len(typed) >= 2 and name.endswith(typed))):
        return True
    return bool(area.code) and typed.isdigit() and typed.startswith(area.code)


def active(areas: Iterable[RiskArea], at: datetime) -> list[RiskArea]:
    return [a for a in areas if a.valid_from <= at and (a.valid_to is None or at < a.valid_to)]


def worst_match(places: Iterable[str], areas: Sequence[RiskArea]) -> tuple[RiskArea, str] | None:
    best: tuple[RiskArea, str] | None = None
    for place in places:
        for area in areas:
            if area_matches(place, area) and (best is None or LEVEL_ORDER[area.level] > LEVEL_ORDER[best[0].level]):
                best = (area, place)
    return best


def decide(facts: Facts, areas: Sequence[RiskArea], protocol: dict[str, str], fever_threshold: Decimal) -> Decision:
    """`areas` are all risk areas (this function keeps the ones active at facts.at); `protocol` maps a level to
    its checkpoint instruction."""
    places = [facts.origin, *facts.visited, *facts.trip_destinations] if facts.direction == "in" else []
    match = worst_match(places, active(areas, facts.at))
    fever = facts.temperature is not None and facts.temperature >= fever_threshold

    if facts.status_code == "red":
        return Decision(Instruction.CENTRAL_ISOLATION, "red_code", "", RiskLevel.HIGH, None)
    if match and match[0].level == RiskLevel.HIGH:
        return Decision(protocol[RiskLevel.HIGH], "risk_area_high", match[1], RiskLevel.HIGH, match[0])
    level = match[0].level if match else (RiskLevel.LOW if facts.status_code == "yellow" else None)
    area, place = (match[0], match[1]) if match else (None, "")
    if fever:
        return Decision(Instruction.FEVER_CLINIC, "fever", f"{facts.temperature}", level, area)
    if match:
        return Decision(protocol[match[0].level], f"risk_area_{match[0].level}", place, level, area)
    if facts.status_code == "yellow":
        return Decision(protocol[RiskLevel.LOW], "yellow_code", "", RiskLevel.LOW, None)
    if facts.direction == "out":
        return Decision(Instruction.LET_PASS, "leaving", "", None, None)
    return Decision(Instruction.LET_PASS, "no_risk", "", None, None)


def describe(rule: str, area: RiskArea | None, detail: str) -> str:
    """The rule in words, in the reader's language."""
    where = f"{area.name}" + (f"（{area.notice}）" if area and area.notice else "") if area else ""
    texts = {
        "red_code": _("Red status code: hand over for central isolation."),
        "risk_area_high": _("Travel history in a high-risk area: %(where)s (given as “%(detail)s”)."),
        "risk_area_medium": _("Travel history in a medium-risk area: %(where)s (given as “%(detail)s”)."),
        "risk_area_low": _("Travel history in a low-risk area: %(where)s (given as “%(detail)s”)."),
        "fever": _("Temperature %(detail)s °C is at or above the fever threshold."),
        "yellow_code": _("Yellow status code: register, tests as for a low-risk arrival."),
        "leaving": _("Leaving the district."),
        "no_risk": _("No risk area in the travel history, no fever, status code not yellow or red."),
    }
    text = texts.get(rule, rule)
    return text % {"where": where, "detail": detail} if "%(" in text else text
