"""What the checkpoint tells its staff to do with a passage, and which rule decided it. Pure: the facts and the
protocol in, a decision out; the services load and store.

Precedence (most urgent first): red on the platform's own status (a case, a sealed zone, isolation …) → entering:
central isolation (the transfer team takes over), leaving: turned back (劝返) and the community told; a red code
shown or a high-risk travel history → central isolation; a fever → fever clinic; yellow on the platform's status →
leaving: turned back, entering: registered and the community told; a medium- or low-risk history or a yellow code
shown → register and notify the community; else let pass. The platform's status is what the checkpoint goes by —
the code a traveller shows on their phone can be old, borrowed or faked — and its short reasons are the rule's
detail (never the basis of a manual change: that is the person's business).
A closed-loop follow-up opens for the highest risk of the travel history or the code shown, whatever the
instruction (a feverish arrival from a medium-risk area is escorted to the clinic *and* owned by the destination
community); the platform's status opens none by itself: a case, a zone or a recall has its owner already.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from fangkong.core.text import ascii_digits, fold_digits

from .models import Instruction, RiskArea, RiskLevel

LEVEL_ORDER: dict[str, int] = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}


@dataclass(frozen=True)
class Facts:
    direction: str
    origin: str
    visited: Sequence[str]
    trip_destinations: Sequence[str]  # destinations of the person's recent travel reports
    temperature: Decimal | None
    status_code: str  # the code the traveller showed (as the staff saw it)
    at: datetime
    platform_colour: str = ""  # the platform's own status of the person; "" when no status service answers
    platform_reasons: Sequence[str] = ()  # its short reasons


@dataclass(frozen=True)
class Decision:
    instruction: str
    rule: str
    detail: str  # what matched: the place as typed, the temperature …
    level: str | None  # the protocol level of the follow-up to open, if any
    risk_area: RiskArea | None


def _norm(text: str) -> str:
    # Every script's digits read as 0-9: a place typed "٣١٠١١٥…" is inside area 310115 all the same.
    return fold_digits("".join(unicodedata.normalize("NFKC", text or "").split()))


def area_matches(place: str, area: RiskArea) -> bool:
    """The place as typed is inside the area: it contains the area's name (上海市浦东新区张江镇 ⊂ 上海市浦东新区),
    names it without the province or city (浦东新区), or carries its area code as a prefix (310115…).
    A bare city name does not match a district of it: 上海 is not 上海市浦东新区."""
    typed, name = _norm(place), _norm(area.name)
    if not typed:
        return False
    if name and (name in typed or (len(typed) >= 2 and name.endswith(typed))):
        return True
    return bool(area.code) and ascii_digits(typed) and typed.startswith(area.code)


def active(areas: Iterable[RiskArea], at: datetime) -> list[RiskArea]:
    return [a for a in areas if a.valid_from <= at and (a.valid_to is None or at < a.valid_to)]


def worst_match(places: Iterable[str], areas: Sequence[RiskArea]) -> tuple[RiskArea, str] | None:
    best: tuple[RiskArea, str] | None = None
    for place in places:
        for area in areas:
            if area_matches(place, area) and (best is None or LEVEL_ORDER[area.level] > LEVEL_ORDER[best[0].level]):
                best = (area, place)
    return best


REPORTED_TRIP = "@reported-trip"  # a match's detail when it came from the person's own travel report


def decide(facts: Facts, areas: Sequence[RiskArea], protocol: dict[str, str], fever_threshold: Decimal) -> Decision:
    """`areas` are all risk areas (this function keeps the ones active at facts.at); `protocol` maps a level to
    its checkpoint instruction."""
    typed = [facts.origin, *facts.visited] if facts.direction == "in" else []
    places = [*typed, *facts.trip_destinations] if facts.direction == "in" else []
    match = worst_match(places, active(areas, facts.at))
    if match and match[1] not in typed:
        # The person's own travel report, not what was typed: say so without naming where they went (checkpoint
        # staff do not read the register; the community, which follows the arrival up, has the report).
        match = (match[0], REPORTED_TRIP)
    fever = facts.temperature is not None and facts.temperature >= fever_threshold

    leaving = facts.direction == "out"
    reasons = "；".join(r for r in facts.platform_reasons if r)[:200]
    shown_level = RiskLevel.HIGH if facts.status_code == "red" else None

    if facts.platform_colour == "red":
        # Entering: held for the transfer team; leaving: turned back and the community told (劝返).
        instruction: str = Instruction.TURN_BACK if leaving else Instruction.CENTRAL_ISOLATION
        level = shown_level or (match[0].level if match else None)
        return Decision(instruction, "status_red", reasons, level, match[0] if match else None)
    if facts.status_code == "red":
        return Decision(Instruction.CENTRAL_ISOLATION, "red_code", "", RiskLevel.HIGH, None)
    if match and match[0].level == RiskLevel.HIGH:
        return Decision(protocol[RiskLevel.HIGH], "risk_area_high", match[1], RiskLevel.HIGH, match[0])
    level = match[0].level if match else (RiskLevel.LOW if facts.status_code == "yellow" else None)
    area, place = (match[0], match[1]) if match else (None, "")
    if fever:
        return Decision(Instruction.FEVER_CLINIC, "fever", f"{facts.temperature}", level, area)
    if facts.platform_colour == "yellow":
        if leaving:
            return Decision(Instruction.TURN_BACK, "status_yellow", reasons, None, None)
        if not match:
            return Decision(_registering(protocol[RiskLevel.LOW]), "status_yellow", reasons, level, None)
    if match:
        instruction = str(protocol[match[0].level])
        if facts.platform_colour == "yellow":
            instruction = _registering(instruction)
        return Decision(instruction, f"risk_area_{match[0].level}", place, level, area)
    if facts.status_code == "yellow":
        return Decision(_registering(protocol[RiskLevel.LOW]), "yellow_code", "", RiskLevel.LOW, None)
    if leaving:
        return Decision(Instruction.LET_PASS, "leaving", "", None, None)
    # One rule whether or not the platform knew the person: a reply that said "green on the platform" only for a
    # registered number would tell checkpoint staff which numbers are in the register.
    return Decision(Instruction.LET_PASS, "no_risk", "", None, None)


def _registering(instruction: str) -> str:
    """A yellow person is never simply let through, whatever the protocol's low level says."""
    return Instruction.REGISTER_NOTIFY if instruction == Instruction.LET_PASS else instruction


def rule_texts() -> dict[str, str]:
    """Each rule's words in the reader's language, with %(where)s and %(detail)s to fill: `describe` fills them,
    and the checkpoint page carries them for its decisions offline (screening/offline.py)."""
    return {
        "status_red": _("Red on the platform's status: %(detail)s."),
        "status_yellow": _("Yellow on the platform's status: %(detail)s."),
        # Offline only (the page's copy of these rules): the signed status list marks the person's code, and says
        # not whether red or yellow — so the stricter instruction, which the server's check may soften.
        "status_listed": _(
            "On the signed status list (checked offline): red, yellow or not known — held for the transfer team, "
            "who check online."
        ),
        "red_code": _("Red status code: hand over for central isolation."),
        "risk_area_high": _("Travel history in a high-risk area: %(where)s (given as “%(detail)s”)."),
        "risk_area_medium": _("Travel history in a medium-risk area: %(where)s (given as “%(detail)s”)."),
        "risk_area_low": _("Travel history in a low-risk area: %(where)s (given as “%(detail)s”)."),
        "fever": _("Temperature %(detail)s °C is at or above the fever threshold."),
        "yellow_code": _("Yellow status code: register, tests as for a low-risk arrival."),
        "leaving": _("Leaving the district."),
        "clear": _(  # passages registered with an earlier version, which set it apart from no_risk
            "No risk area in the travel history, no fever; green on the platform's status and on the code shown."
        ),
        # Passages registered before the checkpoint read the platform's status (or without a status service).
        "no_risk": _("No risk area in the travel history, no fever, status code not yellow or red."),
    }


def reported_trip_texts() -> dict[str, str]:
    return {
        "risk_area_high": _("A trip the person reported ends in a high-risk area."),
        "risk_area_medium": _("A trip the person reported ends in a medium-risk area."),
        "risk_area_low": _("A trip the person reported ends in a low-risk area."),
    }


def describe(rule: str, area: RiskArea | None, detail: str) -> str:
    """The rule in words, in the reader's language."""
    if detail == REPORTED_TRIP and rule.startswith("risk_area_"):
        return reported_trip_texts()[rule]
    where = f"{area.name}" + (f"（{area.notice}）" if area and area.notice else "") if area else ""
    text = rule_texts().get(rule, rule)
    return text % {"where": where, "detail": detail} if "%(" in text else text
