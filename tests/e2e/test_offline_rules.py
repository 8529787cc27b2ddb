"""The checkpoint decides the same offline as online (issue 22, point 4): the page's copy of the rules
(fangkong/screening/static/fangkong/rules.js, in Chromium) and the server's (fangkong/screening/rules.py) are run
over the same few thousand cases — places typed every way a traveller says them (abbreviated, with spaces,
full-width or Arabic-Indic digits, an area code), temperatures at the threshold's edges, every status shown and
held, areas active, not yet started and lifted, two protocols — and must give the same instruction, rule, detail,
level, area and words."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from fangkong.core import clock
from fangkong.screening import offline, rules
from fangkong.screening.models import RiskArea, RiskProtocol
from fangkong.screening.passages import _temperature, _text, places

pytestmark = pytest.mark.browser

RULES_JS = Path(__file__).resolve().parents[2] / "fangkong/screening/static/fangkong/rules.js"
PLACES = [
    "上海市浦东新区",
    "浦东新区",
    "上海市浦东新区张江镇",
    "310115",
    "３１０１１５",
    "٣١٠١١٥",
    "310115001",
    " 上海市 浦东新区 ",
    "上海",
    "上海市",
    "吉林省长春市",
    "长春市",
    "长春",
    "沈阳市和平区",
    "和平区",
    "北京市朝阳区",
    "朝阳区",
    "广州市天河区",
    "天河区某街道",
    "440106",
    "４４０１０６１２",
    "区",
    "市",
    "大连市",
    "",
    "盘锦市兴隆台区",
]
TEMPERATURES = ["", "36.5", "37.2", "37.25", "37.3", "37.35", "37.349", "37.2999", "38", "36.", "39.95", "37.05"]


def _areas(now):
    def area(pk, name, code, level, start, end=None, notice=""):
        return RiskArea(pk=pk, name=name, code=code, level=level, valid_from=start, valid_to=end, notice=notice)

    day = timedelta(days=1)
    return [
        area(1, "上海市浦东新区", "310115", "high", now - day, notice="沪防控〔2022〕1号"),
        area(2, "吉林省长春市", "", "medium", now - 3 * day),
        area(3, "沈阳市和平区", "", "low", now - day, now + 30 * day),
        area(4, "北京市朝阳区", "", "high", now + day),  # not started yet
        area(5, "广州市天河区", "440106", "medium", now - day),
        area(6, "上海市", "", "low", now - day),  # a whole city, below its district's level
        area(7, "大连市", "", "medium", now - 10 * day, now - day),  # lifted
        area(8, "长春市朝阳区", "", "high", now - day),  # a second 朝阳区, of another level
    ]


def _protocol(kind: str) -> dict[str, RiskProtocol]:
    instructions = {
        "default": {"high": "central_isolation", "medium": "register_notify", "low": "register_notify"},
        "strict": {"high": "central_isolation", "medium": "central_isolation", "low": "let_pass"},
    }[kind]
    return {level: RiskProtocol(level=level, instruction=i, version=2) for level, i in instructions.items()}


def _cases(now, n: int) -> list[dict]:
    pick = random.Random(22)
    out = []
    for _ in range(n):
        out.append(
            {
                "direction": pick.choice(["in", "in", "in", "out"]),
                "origin": pick.choice(PLACES),
                "visited": pick.sample(PLACES, pick.choice([0, 0, 1, 2])),
                "trips": pick.sample(PLACES, pick.choice([0, 0, 0, 1])),
                "temperature": pick.choice(TEMPERATURES),
                "status_code": pick.choice(["", "green", "yellow", "red"]),
                "colour": pick.choice(["", "", "green", "yellow", "red", "listed"]),
                "reasons": pick.choice([[], ["密接"], ["次密接", "黄码管控"], [""]]),
                # The page decides at or after it read its rulebook (an area lifted before then is not carried).
                "at": pick.choice([now, now + timedelta(hours=1), now + timedelta(days=2)]),
                "protocol": pick.choice(["default", "strict"]),
                "threshold": pick.choice(["37.3", "37.0"]),
            }
        )
    return out


def _python(case: dict, areas: list[RiskArea]) -> dict:
    temperature = _temperature(case["temperature"] or None)
    colour = case["colour"]
    facts = rules.Facts(
        direction=case["direction"],
        origin=_text(case["origin"], 100),
        visited=[v for v in (_text(x, 100) for x in case["visited"]) if v],
        trip_destinations=case["trips"],
        temperature=temperature,
        status_code=case["status_code"],
        at=case["at"],
        platform_colour="red" if colour == "listed" else colour,
        platform_reasons=case["reasons"],
    )
    protocol = {k: p.instruction for k, p in _protocol(case["protocol"]).items()}
    d = rules.decide(facts, areas, protocol, Decimal(case["threshold"]))
    rule = "status_listed" if colour == "listed" and d.rule == "status_red" else d.rule  # the page's own rule
    return {
        "instruction": d.instruction,
        "rule": rule,
        "detail": d.detail,
        "level": d.level,
        "area": d.risk_area.pk if d.risk_area else None,
        "words": rules.describe(rule, d.risk_area, d.detail),
    }


def test_the_page_decides_as_the_server_does(browser):
    now = clock.now().replace(microsecond=0)
    areas = _areas(now)
    carried = [a for a in areas if a.valid_to is None or a.valid_to > now]  # what the page carries (rulebook)
    books = {
        (kind, threshold): offline.rulebook_of(_protocol(kind), carried, Decimal(threshold), now)
        for kind in ("default", "strict")
        for threshold in ("37.3", "37.0")
    }
    cases = _cases(now, 3000)
    expected = [_python(case, areas) for case in cases]
    assert {e["rule"] for e in expected} >= {
        "status_red",
        "status_listed",
        "status_yellow",
        "red_code",
        "risk_area_high",
        "risk_area_medium",
        "risk_area_low",
        "fever",
        "yellow_code",
        "leaving",
        "no_risk",
    }  # every rule is reached
    assert any(e["detail"] == rules.REPORTED_TRIP for e in expected)

    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=RULES_JS.read_text())
    got = page.evaluate(
        """([cases, books]) => cases.map(c => {
          const book = books[c.protocol + "|" + c.threshold], r = window.fangkongRules;
          const d = r.decide({
            direction: c.direction, origin: r.text(c.origin, 100),
            visited: c.visited.map(v => r.text(v, 100)).filter(Boolean), trip_destinations: c.trips,
            temperature: r.tenths(c.temperature), status_code: c.status_code, at: Date.parse(c.at),
            platform_colour: c.colour, platform_reasons: c.reasons,
          }, book);
          return {instruction: d.instruction, rule: d.rule, detail: d.detail, level: d.level,
                  area: d.area ? d.area.id : null, words: r.describe(d, book)};
        })""",
        [
            [{**c, "at": c["at"].isoformat()} for c in cases],
            {f"{kind}|{threshold}": book for (kind, threshold), book in books.items()},
        ],
    )
    page.close()
    differing = [(case, e, g) for case, e, g in zip(cases, expected, got, strict=True) if e != g]
    for case, e, g in differing[:4]:
        print(case, "\n  py", e, "\n  js", g)
    assert not differing, len(differing)


def test_the_page_reads_typed_text_as_the_server_does(browser):
    typed = [
        "  上海市　浦东新区 ",
        "ＡＢＣ１２３",
        "长春市、北京市朝阳区；广州\n天河",
        "a\u00a0b\u2003c",
        "x" * 120 + "尾",
    ]
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=RULES_JS.read_text())
    got = page.evaluate(
        "typed => typed.map(t => [window.fangkongRules.text(t, 100), window.fangkongRules.places(t)])", typed
    )
    page.close()
    assert got == [[_text(t, 100), places(t)] for t in typed]
