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


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or parts[0].startswith("tests") or len(parts) < 2:
            continue
        yield path, parts


def _declared(app: str) -> set[str]:
    import importlib

    from fangkong.core.errors import Code as CoreCode

    names = {c.name for c in CoreCode}
    if app != "core" and (ROOT / app / "errors.py").exists():
        names |= {c.name for c in importlib.import_module(f"fangkong.{app}.errors").Code}
    return names


def test_every_field_error_carries_a_declared_code():
    """A FieldError's code is a client's contract (tests and clients match it, never the sentence): every raise
    names one member of core.errors.Code or of its app's errors.Code — no bare string, no silent default. Passing
    on the code of an error caught (`exc.code`) is the one other form."""
    offenders = []
    for path, parts in _sources():
        declared = _declared(parts[0])
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "FieldError"
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
            if code is None:
                offenders.append(f"{where} no code")
                continue
            # A conditional code (`exc.code if … else Code.FORBIDDEN`) is checked branch by branch.
            branches = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
            for branch in branches:
                if isinstance(branch, ast.Attribute) and branch.attr == "code":
                    continue  # the code of an error caught, passed on
                if not (
                    isinstance(branch, ast.Attribute)
                    and (getattr(branch.value, "id", None) == "Code" or getattr(branch.value, "attr", None) == "Code")
                ):
                    offenders.append(f"{where} {ast.unparse(branch)} is not a Code member")
                elif branch.attr not in declared:
                    offenders.append(f"{where} {ast.unparse(branch)} is not declared")
    assert not offenders, (
        "give each FieldError a declared code (core.errors.Code or the app's errors.Code):\n" + "\n".join(offenders)
    )


def _kind_of(parts: tuple[str, ...]) -> str | None:
    name = parts[-1]
    if any(p == "api" for p in parts) or name == "api.py" or name.endswith("_api.py"):
        return "api"
    if (
        any(p == "views" for p in parts)
        or name.startswith("views")
        or name.endswith("_views.py")
        or name == "resident.py"
    ):
        return "page"
    return None


def _writes() -> set[str]:
    """The services: functions outside pages, endpoints and selectors that open a transaction."""
    names = set()
    for path, parts in _sources():
        if _kind_of(parts) or parts[-1] == "selectors.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and "atomic" in ast.unparse(node):
                names.add(node.name)
    # Wrappers that open a transaction around whatever write they are given, not writes of their own.
    return names - {"idempotent"}


def _type_names(annotation: ast.expr) -> set[str]:
    """The classes an annotation names: `zones.ZoneRequestInput | None` → {"ZoneRequestInput"}."""
    if isinstance(annotation, ast.BinOp):
        return _type_names(annotation.left) | _type_names(annotation.right)
    if isinstance(annotation, ast.Name | ast.Attribute):
        return {ast.unparse(annotation).split(".")[-1]}
    return set()


def _called(fn: ast.AST) -> set[str]:
    return {
        str(getattr(n.func, "id", None) or getattr(n.func, "attr", "")) for n in ast.walk(fn) if isinstance(n, ast.Call)
    }


def test_a_write_reads_its_page_and_its_api_through_one_schema():
    """A write offered on a page and in the API declares its input once (core.forms): the endpoint's body is the
    class the page fills with `from_form`, declared beside the service — not a second shape in the API module."""
    writes = _writes()
    api_bodies: dict[str, set[str]] = {}
    page_forms: dict[str, set[str]] = {}
    api_classes: set[str] = set()
    where: dict[str, str] = {}
    for path, parts in _sources():
        kind = _kind_of(parts)
        if not kind:
            continue
        tree = ast.parse(path.read_text())
        if kind == "api":
            api_classes |= {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for write in _called(fn) & writes:
                if kind == "api":
                    where[write] = str(path.relative_to(ROOT))
                    bodies = api_bodies.setdefault(write, set())
                    for arg in fn.args.args + fn.args.kwonlyargs:
                        if arg.arg == "payload" and arg.annotation is not None:
                            bodies |= _type_names(arg.annotation)
                else:
                    forms = page_forms.setdefault(write, set())
                    for n in ast.walk(fn):
                        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "from_form":
                            forms.add(ast.unparse(n.func.value).split(".")[-1])
    shared = sorted(set(api_bodies) & set(page_forms))
    assert len(shared) > 40  # the walk finds the writes offered both ways
    offenders = []
    for write in shared:
        bodies = {b for b in api_bodies[write] if b not in ("None",)}
        if not bodies:
            continue  # the endpoint takes no body (an approval without a note)
        if missing := bodies - page_forms[write]:
            offenders.append(f"{where[write]} {write}: the page does not read {sorted(missing)} with from_form")
        if in_api := bodies & api_classes:
            offenders.append(
                f"{where[write]} {write}: {sorted(in_api)} declared in an API module, not beside the service"
            )
    assert not offenders, "one input schema per write (core/forms.py):\n" + "\n".join(offenders)
