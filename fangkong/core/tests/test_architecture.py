"""Rules of docs/architecture.md that import-linter cannot state: scoping happens in selectors and services, never
in a page or an endpoint (a view that scopes by hand is a view that can forget to)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the fangkong package
SCOPING = {"scope_for", "unit_ids_for"}


def _views_and_endpoints() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or parts[0].startswith("tests"):
            continue
        if any(
            p in ("views", "api") or p.startswith(("views", "manage_views", "news_views", "account_views"))
            for p in parts
        ):
            found.append(path)
        elif parts[-1] == "api.py":
            found.append(path)
    return found


def test_no_page_or_endpoint_scopes_by_hand():
    files = _views_and_endpoints()
    assert len(files) > 20  # the walk finds the apps' views and APIs
    offenders = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if name in SCOPING:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not offenders, "scope in a selector (or a service), not here:\n" + "\n".join(offenders)


def test_every_error_code_is_declared():
    """A FieldError's code is a client's contract: each is listed in core.errors.Code or in its app's errors.Code."""
    import importlib

    from fangkong.core.errors import Code as CoreCode

    undeclared = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or parts[0].startswith("tests") or len(parts) < 2:
            continue
        declared = {c.value for c in CoreCode}
        if (ROOT / parts[0] / "errors.py").exists() and parts[0] != "core":
            declared |= {c.value for c in importlib.import_module(f"fangkong.{parts[0]}.errors").Code}
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "FieldError"
            ):
                continue
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and kw.value.value not in declared:
                    undeclared.append(f"{path.relative_to(ROOT)}:{node.lineno} {kw.value.value}")
    assert not undeclared, "declare these codes in core.errors.Code or the app's errors.Code:\n" + "\n".join(undeclared)
