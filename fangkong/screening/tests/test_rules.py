from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fangkong.screening.models import RiskArea
from fangkong.screening.rules import Facts, area_matches, decide

T0 = datetime(2022, 5, 1, 8, tzinfo=UTC)
PROTOCOL = {"high": "central_isolation", "medium": "register_notify", "low": "register_notify"}


def area(name: str, level: str, code: str = "", start=T0 - timedelta(days=1), end=None) -> RiskArea:
    return RiskArea(name=name, level=level, code=code, valid_from=start, valid_to=end)


AREAS = [area("上海市浦东新区", "high", "310115"), area("吉林省长春市", "medium"), area("沈阳市和平区", "low")]


def facts(**kw) -> Facts:
    base: dict = {
        "direction": "in",
        "origin": "",
        "visited": [],
        "trip_destinations": [],
        "temperature": None,
        "status_code": "",
        "at": T0,
    }
    return Facts(**{**base, **kw})


@pytest.mark.parametrize(
    ("place", "name", "code", "expected"),
    [
        ("上海市浦东新区张江镇", "上海市浦东新区", "", True),  # more specific than the area
        ("浦东新区", "上海市浦东新区", "", True),  # without the city
        ("上海", "上海市浦东新区", "", False),  # a bare city is not the district
        ("上海市闵行区", "上海市浦东新区", "", False),
        ("310115001", "上海市浦东新区", "310115", True),  # area code prefix
        ("３１０１１５", "上海市浦东新区", "310115", True),  # full-width digits
        ("٣١٠١١٥", "上海市浦东新区", "310115", True),  # Arabic-Indic digits: still inside the area
        ("上海市浦东新区٣", "上海市浦东新区", "310115", True),
        ("", "上海市浦东新区", "", False),
    ],
)
def test_area_matching(place, name, code, expected):
    assert area_matches(place, area(name, "high", code)) is expected


def test_high_risk_origin_means_central_isolation():
    d = decide(facts(origin="上海市浦东新区"), AREAS, PROTOCOL, Decimal("37.3"))
    assert (d.instruction, d.rule, d.level, d.risk_area.name) == (
        "central_isolation",
        "risk_area_high",
        "high",
        "上海市浦东新区",
    )


def test_worst_place_in_the_history_decides():
    d = decide(facts(origin="沈阳市和平区", visited=["长春市", "吉林省长春市朝阳区"]), AREAS, PROTOCOL, Decimal("37.3"))
    assert (d.rule, d.level, d.detail) == ("risk_area_medium", "medium", "长春市")  # the first place at that level


def test_own_travel_report_destination_counts_on_return():
    d = decide(facts(trip_destinations=["上海市浦东新区"]), AREAS, PROTOCOL, Decimal("37.3"))
    assert d.level == "high"


def test_fever_before_medium_but_after_high():
    medium_fever = decide(facts(origin="吉林省长春市", temperature=Decimal("38.0")), AREAS, PROTOCOL, Decimal("37.3"))
    assert (medium_fever.instruction, medium_fever.level) == ("fever_clinic", "medium")  # clinic *and* a case
    high_fever = decide(facts(origin="上海市浦东新区", temperature=Decimal("38.0")), AREAS, PROTOCOL, Decimal("37.3"))
    assert high_fever.instruction == "central_isolation"
    at_threshold = decide(facts(temperature=Decimal("37.3")), AREAS, PROTOCOL, Decimal("37.3"))
    assert (at_threshold.instruction, at_threshold.level) == ("fever_clinic", None)
    below = decide(facts(temperature=Decimal("37.2")), AREAS, PROTOCOL, Decimal("37.3"))
    assert below.instruction == "let_pass"


def test_status_codes():
    assert decide(facts(status_code="red"), AREAS, PROTOCOL, Decimal("37.3")).instruction == "central_isolation"
    yellow = decide(facts(status_code="yellow"), AREAS, PROTOCOL, Decimal("37.3"))
    assert (yellow.instruction, yellow.rule, yellow.level) == ("register_notify", "yellow_code", "low")


def test_areas_count_only_while_valid():
    lifted = [area("上海市浦东新区", "high", start=T0 - timedelta(days=10), end=T0 - timedelta(days=1))]
    future = [area("上海市浦东新区", "high", start=T0 + timedelta(hours=1))]
    assert decide(facts(origin="上海市浦东新区"), lifted, PROTOCOL, Decimal("37.3")).rule == "no_risk"
    assert decide(facts(origin="上海市浦东新区"), future, PROTOCOL, Decimal("37.3")).rule == "no_risk"


def test_protocol_decides_the_instruction():
    strict = {**PROTOCOL, "low": "central_isolation"}
    assert decide(facts(origin="沈阳市和平区"), AREAS, strict, Decimal("37.3")).instruction == "central_isolation"


def test_leaving_ignores_travel_history():
    d = decide(facts(direction="out", origin="上海市浦东新区"), AREAS, PROTOCOL, Decimal("37.3"))
    assert (d.instruction, d.rule, d.level) == ("let_pass", "leaving", None)


@pytest.mark.parametrize(
    ("direction", "colour", "instruction", "rule"),
    [
        ("in", "red", "central_isolation", "status_red"),  # held for the transfer team
        ("out", "red", "turn_back", "status_red"),  # 劝返
        ("in", "yellow", "register_notify", "status_yellow"),
        ("out", "yellow", "turn_back", "status_yellow"),
        ("in", "green", "let_pass", "no_risk"),  # as for a number nobody knows: no registration oracle
        ("out", "green", "let_pass", "leaving"),
    ],
)
def test_the_platforms_status_decides_whatever_code_is_shown(direction, colour, instruction, rule):
    d = decide(
        facts(
            direction=direction, status_code="green", platform_colour=colour, platform_reasons=["住在封控区“幸福里”"]
        ),
        AREAS,
        PROTOCOL,
        Decimal("37.3"),
    )
    assert (d.instruction, d.rule) == (instruction, rule)
    if colour != "green":
        assert d.detail == "住在封控区“幸福里”" and d.level is None  # the status has its owner: no new follow-up


def test_a_yellow_person_is_never_simply_let_through_even_if_the_protocol_says_so():
    lenient = {**PROTOCOL, "low": "let_pass", "medium": "let_pass"}
    alone = decide(facts(platform_colour="yellow", platform_reasons=["x"]), AREAS, lenient, Decimal("37.3"))
    from_area = decide(facts(platform_colour="yellow", origin="吉林省长春市"), AREAS, lenient, Decimal("37.3"))
    assert alone.instruction == from_area.instruction == "register_notify"
    assert from_area.rule == "risk_area_medium" and from_area.level == "medium"  # the follow-up still opens


def test_without_a_status_service_the_old_rule_stands():
    d = decide(facts(), AREAS, PROTOCOL, Decimal("37.3"))
    assert (d.instruction, d.rule) == ("let_pass", "no_risk")
