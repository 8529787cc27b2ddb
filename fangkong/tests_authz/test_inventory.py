"""Every URL pattern and every API operation is in the coverage table (fangkong/tests_authz/coverage.py): a new
endpoint without a line there fails here, naming it and saying where to add it."""

from __future__ import annotations

from .coverage import API_PATTERNS, KINDS, OPERATIONS, PAGES
from .inventory import api_operations, url_patterns

HOW = (
    "Add it to {table} in fangkong/tests_authz/coverage.py: scoped(kind) if its path, query or body names an "
    "object, listing/export/search(kind) if it shows many, unit(kind) for a unit's own work, or public/self_/"
    "district/creates(why) — see the module docstring."
)


def test_every_url_pattern_is_in_the_table():
    missing = [
        f"{p.name} ({p.route})"
        for p in url_patterns()
        if not (p.api and (p.name in API_PATTERNS or _is_operation(p.name))) and p.name not in PAGES
    ]
    assert not missing, f"URL patterns with no authorization coverage: {missing}. " + HOW.format(table="PAGES")


def test_every_api_operation_is_in_the_table():
    missing = [f"{o.operation_id} ({o.method} {o.path})" for o in api_operations() if o.key not in OPERATIONS]
    assert not missing, f"API operations with no authorization coverage: {missing}. " + HOW.format(table="OPERATIONS")


def test_the_table_names_nothing_that_is_gone():
    names = {p.name for p in url_patterns()}
    stale = sorted(set(PAGES) - names) + sorted(set(API_PATTERNS) - names)
    stale += sorted(set(OPERATIONS) - {o.key for o in api_operations()})
    assert not stale, f"coverage.py lists endpoints that no longer exist: {stale}"


def test_every_kind_in_the_table_has_personas():
    kinds = {c.kind for c in (*PAGES.values(), *OPERATIONS.values()) if c.kind}
    kinds |= {c.insider_kind for c in (*PAGES.values(), *OPERATIONS.values()) if c.insider_kind}
    assert kinds <= set(KINDS), f"kinds with no personas in coverage.KINDS: {sorted(kinds - set(KINDS))}"


def test_api_patterns_and_operations_agree():
    # Each operation's URL pattern is named api:<view name>; the table's API lines cover the rest of /api/v1/.
    ops = {o.view.__name__ for o in api_operations()}  # type: ignore[attr-defined]
    api_names = {p.name for p in url_patterns() if p.api}
    assert {f"api:{n}" for n in ops} <= api_names


def _is_operation(name: str) -> bool:
    return name.startswith("api:") and name[4:] in {o.view.__name__ for o in _OPS}  # type: ignore[attr-defined]


_OPS = api_operations()
