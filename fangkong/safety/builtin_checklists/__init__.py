"""The checklists built in as data (written after migrate: checklists.ensure_builtin_checklists), each item a
requirement the inspector finds met or not, grouped in sections, "major" where failing it is a major hazard under
the criteria it comes from:

- the industry-and-trade enterprises by sector (`industry_trade`): 《工贸企业重大事故隐患判定标准》(应急管理部令
  第10号, 2023) — its management items and the sector's, all major — with everyday safety-management items;
- the ones by risk (`special`): fire safety (《重大火灾隐患判定方法》GB 35181 and everyday items), hazardous
  chemicals (《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》), confined spaces and dust explosion
  (the 2023 criteria's special items, 《工贸企业有限空间作业安全规定》, 《工贸企业粉尘防爆安全规定》).

The items paraphrase the criteria as things to find met; the district checks them against the official texts and
imports a new version under the same code to change one (its inspections keep the version they were walked with).
A correction here reaches a district at its next migrate as a new version, unless the district has made the checklist
its own (checklists.checklist_builtin_sync).
"""

from __future__ import annotations

from dataclasses import dataclass

GENERAL, MAJOR = "general", "major"

Section = tuple[str, tuple[tuple[str, str], ...]]  # (its name, ((severity, requirement), …))


@dataclass(frozen=True)
class BuiltIn:
    code: str
    name: str
    sections: tuple[Section, ...]
    industries: tuple[str, ...] = ()  # labels.INDUSTRIES keys it is for; none and no risks: every enterprise
    risks: tuple[str, ...] = ()  # labels.SPECIAL_RISKS keys that make it fit an enterprise whatever its industry
    audience: str = "enterprise"  # models.Checklist.Audience: the State Council's measures are for supervision

    def items(self) -> list[tuple[str, str, str]]:
        """(section, severity, text) in order."""
        return [(section, severity, text) for section, rows in self.sections for severity, text in rows]


def all_builtins() -> list[BuiltIn]:
    from .industry_trade import SECTORS
    from .special import SPECIAL

    return [*SECTORS, *SPECIAL]
