"""What the checkpoint page carries to decide offline (issue 22, point 4): the protocol and the risk areas with
their version, the fever threshold, the rules' words, and the key that signs the status list.

The page decides offline with a copy of `rules.decide` (fangkong/screening/static/fangkong/rules.js; a test runs
both over the same cases and compares), so the instruction and the rule that decided it are the same offline as
online for what the page knows: what was typed, and whether the signed list marks the personal code scanned.
What it cannot know offline — the person's own travel reports, their status when no code was scanned — the
server's decision has when the registration arrives; a difference is flagged to the checkpoint's leader
(passages.passage_register).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Any

from fangkong.core import clock

from . import platform_status, rules
from .models import Instruction, RiskArea, RiskProtocol, ScreeningSettings, risk_areas_all


@functools.cache
def digit_zeros() -> list[int]:
    """The code point of every script's digit zero (each script's digits run 0-9 from it): the page folds digits as
    core.text.fold_digits does, with Python's Unicode tables rather than the browser's."""
    return [cp for cp in range(sys.maxunicode + 1) if unicodedata.decimal(chr(cp), -1) == 0 and cp != 0x30]


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def rulebook() -> dict[str, Any]:
    """The rules as the checkpoint decides with them now. `version` names the protocol, the threshold and the
    risk areas (not the time it was read): the same rules read twice carry the same version."""
    now = clock.now()
    # An area already lifted decides nothing from now on; the others in the order the server matches them (a tie
    # between two areas of one level goes to the first).
    areas = [a for a in risk_areas_all() if a.valid_to is None or a.valid_to > now]
    return rulebook_of(RiskProtocol.current(), areas, ScreeningSettings.current().fever_threshold, now)


def rulebook_of(protocol: dict[str, Any], areas: list[RiskArea], fever_threshold: Decimal, now: datetime) -> dict:
    content = {
        "protocol": {level: row.instruction for level, row in sorted(protocol.items())},
        "protocol_versions": {level: row.version for level, row in sorted(protocol.items())},
        "fever_threshold": str(fever_threshold),
        "areas": [
            {
                "id": a.pk,
                "name": a.name,
                "code": a.code,
                "level": a.level,
                "notice": a.notice,
                "from": _iso(a.valid_from),
                "to": _iso(a.valid_to),
            }
            for a in areas
        ],
    }
    version = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return {
        **content,
        "version": version,
        "read_at": now.isoformat(),
        "levels": {str(level): order for level, order in rules.LEVEL_ORDER.items()},
        "instructions": {value: str(label) for value, label in Instruction.choices},
        "texts": rules.rule_texts(),
        "reported_texts": rules.reported_trip_texts(),
        "reported_trip": rules.REPORTED_TRIP,
        "digit_zeros": digit_zeros(),
        "status_key": platform_status.list_key(),
    }


OFFLINE_RULES = frozenset(rules.rule_texts()) - {"clear"}
