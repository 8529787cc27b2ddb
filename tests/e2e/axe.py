"""axe-core (vendored: vendor/axe-core, its version in VERSION) inside the browser tests: the WCAG 2 A and AA rules
run over the page as the browser shows it, and a readable list of what they find.

The script goes in through Playwright's evaluation (the DevTools protocol), not a <script> tag: the site's
Content-Security-Policy (script-src 'self', no inline script) refuses `page.add_script_tag`, and the tests keep the
policy in force rather than open the context with `bypass_csp=True`, so that they still see what it refuses.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Rules switched off, each with why. Empty: every rule of the tags above runs.
DISABLED: dict[str, str] = {}

_RUN = """async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
  }));
}"""


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """The WCAG 2 A/AA violations axe finds on the page as it is now (the script injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    return page.evaluate(_RUN, [TAGS, list(DISABLED)])


def describe(found: list[dict]) -> str:
    """One line per rule (id, impact, how many elements, the rule's help), then its first elements and why."""
    lines = []
    for v in found:
        lines.append(f"  - {v['id']} [{v['impact']}] ×{v['count']}: {v['help']}")
        for node in v["nodes"]:
            why = " ".join(node["summary"].split())
            lines.append(f"      {node['target']}  — {why[:220]}")
    return "\n".join(lines)


def assert_accessible(page, *, context: str) -> None:
    """Fails with the list of axe's WCAG 2 A/AA violations on `page`; `context` says which page, as whom."""
    found = violations(page)
    if found:
        raise AssertionError(f"axe: {len(found)} WCAG rule(s) violated on {context} ({page.url}):\n{describe(found)}")
