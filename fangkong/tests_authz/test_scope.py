"""Generated scope checks: for every line of the coverage table (coverage.py), each persona of the line's kind.

- scoped / unit: every outsider gets, for A's object, exactly the answer it gets for an id that does not exist,
  and that answer is 404 (or 403 where the persona lacks the capability everywhere: then it is 403 for both); the
  B-side outsiders likewise for B's object; the insider gets anything but a 404 or a 5xx for A's object (a 400 for
  a minimal body is fine), so the check cannot pass without the route reaching the object.
- list / export / search: no outsider's reply (HTML, JSON, CSV, .xlsx) holds A's marker, no B-side outsider's
  holds B's; the insider's holds A's.
- public: answers an anonymous visitor without asking for a login; self / district / creates: refuses one.

The objects are built once per module (conftest.world); each check runs in a transaction rolled back after it.
"""

from __future__ import annotations

import io
import itertools
import json
import typing
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from django.test import Client

from .coverage import API_PATTERNS, KINDS, OPERATIONS, PAGES, Cov
from .inventory import Operation, Pattern, api_operations, url_patterns
from .world import World

MISSING_INT = 987654321
MISSING_STR = "NOSUCH987654"
_keys = itertools.count(1)

_PATTERNS = {p.name: p for p in url_patterns()}
_OPERATIONS = {o.key: o for o in api_operations()}


def _endpoint(table: str, key: str) -> Pattern | Operation:
    return _OPERATIONS[key] if table == "api" else _PATTERNS[key]


def _cases(hows: tuple[str, ...]):
    for table, entries in (("page", PAGES), ("api", OPERATIONS), ("page", API_PATTERNS)):
        for key, cov in entries.items():
            if cov.how in hows:
                marks = [pytest.mark.xfail(reason=cov.known_hole, strict=True)] if cov.known_hole else []
                yield pytest.param(table, key, cov, id=f"{table}:{key}", marks=marks)


# --- requests ------------------------------------------------------------------------------------------------


class Caller:
    def __init__(self, world: World):
        self.world = world
        self.clients: dict[str, Client] = {}

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            c = Client(HTTP_ACCEPT_LANGUAGE="en")
            if persona != "anon":
                c.force_login(self.world.users[persona])
            self.clients[persona] = c
        return self.clients[persona]

    def send(self, persona: str, table: str, key: str, cov: Cov, ref: Any, marker: str = ""):
        endpoint = _endpoint(table, key)
        # "{kind}": A's object of another kind (the round a recall belongs to, the account a role is held by).
        values = {
            k: self.world.kinds[v[1:-1]].ref("a") if isinstance(v, str) and v.startswith("{") else v
            for k, v in cov.path.items()
        }
        param = cov.param or _first_param(endpoint)
        if cov.kind and param and param not in values and not _refers_elsewhere(cov):
            values[param] = ref
        query = {k: _fill(v, ref, marker) for k, v in cov.query.items()}
        if isinstance(endpoint, Operation):
            return self._api(persona, endpoint, cov, values, query, ref)
        return self._page(persona, endpoint, cov, values, query, ref)

    def _page(self, persona, pattern: Pattern, cov: Cov, values, query, ref):
        url = "/" + _route_url(pattern, values)
        c = self.client(persona)
        if cov.method == "POST":
            body = {k: _fill(v, ref) for k, v in (cov.body or {}).items()}
            return c.post(url + _qs(query), body)
        return c.get(url, query)

    def _api(self, persona, op: Operation, cov: Cov, values, query, ref):
        url = op.url(**{p: values.get(p, MISSING_INT) for p in op.path_params})
        headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": f"authz-{next(_keys)}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if persona != "anon":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.world.tokens[persona]}"
        c = Client()
        method = cov.method or op.method
        if method == "GET":
            return c.get(url, query, **headers)
        if "payload" not in op.params:  # a form: its fields (and files) as multipart
            data = {k: _fill(v, ref) for k, v in (cov.body or {}).items()}
            if "file" in op.params:
                data.setdefault("file", _upload())
            return c.generic(method, url + _qs(query), **_multipart(data), **headers)
        body = _body(op, cov, ref)
        for k, v in (cov.body or {}).items():  # "{kind}": A's object of that kind, as in the path
            if isinstance(v, str) and v[1:-1] in self.world.kinds:
                body[k] = self.world.kinds[v[1:-1]].ref("a")
        return c.generic(method, url + _qs(query), json.dumps(body), content_type="application/json", **headers)


def _refers_elsewhere(cov: Cov) -> bool:
    """The object is named in the query or the body, not in the path."""
    return any(v == "{ref}" for v in (*cov.query.values(), *(cov.body or {}).values()))


def _first_param(endpoint) -> str:
    if isinstance(endpoint, Operation):
        return endpoint.path_params[0] if endpoint.path_params else ""
    return endpoint.converters[0][0] if endpoint.converters else ""


def _route_url(pattern: Pattern, values: dict) -> str:
    import re

    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(values.get(m.group(2), MISSING_INT)), pattern.route)


def _fill(value, ref, marker: str = ""):
    if value == "{ref}":
        return ref
    if value == "{png}":
        from .world import png_upload

        return png_upload()
    if value == "{marker}":
        return marker
    return value


def _qs(query: dict) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(query) if query else ""


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")


def _multipart(data: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def _body(op: Operation, cov: Cov, ref) -> dict:
    """A body the operation's schema accepts (each required field a plausible value), `cov.body` over it."""
    hints = typing.get_type_hints(op.view, include_extras=False)
    schema = hints.get("payload")
    body = _sample(schema) if schema is not None else {}
    for k, v in (cov.body or {}).items():
        body[k] = _fill(v, ref)
    return body if isinstance(body, dict) else {}


def _sample(tp, depth: int = 0):
    from pydantic import BaseModel

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _sample(args[0], depth)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        non_none = [a for a in args if a is not type(None)]
        return _sample(non_none[0], depth) if non_none else None
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if depth > 3:
            return {}
        return {name: _sample(f.annotation, depth + 1) for name, f in tp.model_fields.items() if f.is_required()}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return next(iter(tp)).value
    samples = {
        bool: False,
        int: 1,
        float: 1.0,
        Decimal: "1",
        str: "核查",
        datetime: "2026-05-01T10:00:00+08:00",
        date: "2026-05-01",
        time: "08:00",
    }
    return samples.get(tp, "核查") if isinstance(tp, type) else "核查"


# --- replies -------------------------------------------------------------------------------------------------


def _text(response) -> str:
    """The reply as text a marker can be looked for in: HTML, JSON (unescaped), CSV, or the cells of a workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
        )
    text = content.decode("utf-8", "replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _status(response) -> int:
    return response.status_code


# --- the checks ----------------------------------------------------------------------------------------------


@pytest.fixture
def caller(world, db) -> Caller:
    return Caller(world)


def _personas(cov: Cov):
    p = KINDS[cov.kind]
    insider = cov.insider or p.insider
    outsiders = tuple(o for o in (cov.outsiders or p.outsiders) if o != insider)
    return insider, outsiders, p.b_outsiders


def _caps(world, persona: str) -> frozenset[str]:
    """Every capability the persona's roles give it, wherever it holds them (a jurisdiction or a unit)."""
    from fangkong.core.roles import ROLES

    if persona == "anon":
        return frozenset()
    return frozenset(cap for a in world.users[persona].roles.all() for cap in ROLES[a.role].caps)


@pytest.mark.parametrize(("table", "key", "cov"), list(_cases(("scoped", "unit"))))
def test_outsiders_get_404_for_objects_out_of_reach(caller, world, table, key, cov):
    pair = world.kinds[cov.kind]
    insider, outsiders, b_outsiders = _personas(cov)
    missing = MISSING_STR if pair.key != "pk" else MISSING_INT
    problems = []
    inside = world.kinds[cov.insider_kind] if cov.insider_kind else pair
    got = _status(caller.send(insider, table, key, cov, inside.ref("a")))
    if got == 404 or got >= 500:
        problems.append(f"insider {insider} on A's {cov.insider_kind or cov.kind}: {got}, expected it reached")
    # The insider reached the object (a 403 may be the two-person rule, so it proves nothing): whoever holds every
    # capability the insider holds has the one this endpoint asks for, so only scope can refuse them: exactly 404,
    # as for an id that does not exist. A persona lacking some of them may get 403 (for both ids alike).
    capable = _caps(world, insider) if got not in (403, 404) and got < 500 else None
    for side, personas in (("a", outsiders), ("b", () if pair.a is pair.b else b_outsiders)):
        for persona in personas:
            reply = caller.send(persona, table, key, cov, pair.ref(side))
            there = _status(reply)
            missing_reply = caller.send(persona, table, key, cov, missing)
            nowhere = _status(missing_reply)
            refused: tuple[int, ...] = (401, 403, 404) if persona == "anon" else (403, 404)
            if persona != "anon" and capable is not None and _caps(world, persona) >= capable:
                refused = (404,)
            if persona == "anon" and there == 302 and "login" in reply["Location"]:
                refused = (302,)  # a page sends a visitor to sign in, whatever the id
            elif table == "page" and cov.method == "POST" and there == 302 == nowhere:
                # A form refused for a missing capability goes back to its list with a message, as it does for an
                # id that does not exist: the same answer, nothing told.
                refused = (302,) if reply["Location"] == missing_reply["Location"] else ()
            if there not in refused or there != nowhere:
                problems.append(
                    f"{persona} on {side.upper()}'s {cov.kind}: {there} (an id that does not exist: {nowhere}"
                    + (", and it holds the insider's capabilities: 404 expected)" if refused == (404,) else ")")
                )
    assert not problems, f"{key}: " + "; ".join(problems)


@pytest.mark.parametrize(("table", "key", "cov"), list(_cases(("list", "export", "search"))))
def test_lists_exports_and_searches_hold_nothing_out_of_reach(caller, world, table, key, cov):
    pair = world.kinds[cov.kind]
    insider, outsiders, b_outsiders = _personas(cov)
    problems = []
    for side, personas, marker in (("a", outsiders, pair.marker_a), ("b", b_outsiders, pair.marker_b)):
        if not marker or (side == "b" and pair.a is pair.b):
            continue
        for persona in personas:
            r = caller.send(persona, table, key, cov, pair.ref(side), marker)
            if r.status_code < 300 and marker in _text(r):
                problems.append(f"{persona}'s reply ({r.status_code}) holds {side.upper()}'s {cov.kind} {marker!r}")
    inside = world.kinds[cov.insider_kind] if cov.insider_kind else pair
    assert inside.marker_a, f"kind {cov.kind} has no marker to look for"
    r = caller.send(insider, table, key, cov, inside.ref("a"), inside.marker_a)
    if r.status_code >= 300 or inside.marker_a not in _text(r):
        problems.append(
            f"insider {insider} ({r.status_code}) does not see {inside.marker_a!r}: the check would be vacuous"
        )
    assert not problems, f"{key}: " + "; ".join(problems)


@pytest.mark.parametrize(("table", "key", "cov"), list(_cases(("self", "district", "creates"))))
def test_the_rest_needs_a_login(caller, table, key, cov):
    endpoint = _endpoint(table, key)
    if key in ("logout", "me:logout") or key.startswith("portal:"):
        pytest.skip("signing out answers anyone; the portal's own pages are public")
    r = caller.send("anon", table, key, cov, MISSING_INT)
    if isinstance(endpoint, Operation):
        assert r.status_code == 401, f"{key}: an anonymous call answered {r.status_code}"
    else:
        assert r.status_code in (302, 401, 403, 404, 405), f"{key}: an anonymous visit answered {r.status_code}"
        if r.status_code == 302:
            assert "login" in r["Location"], f"{key}: redirected to {r['Location']}"


@pytest.mark.parametrize(("table", "key", "cov"), list(_cases(("public",))))
def test_public_endpoints_answer_without_a_login(caller, table, key, cov):
    endpoint = _endpoint(table, key)
    method = "GET"
    if isinstance(endpoint, Operation):
        method = endpoint.method
    r = caller.send("anon", table, key, cov, MISSING_INT) if method == "GET" else None
    if r is not None:
        assert r.status_code != 401 and r.status_code < 500, f"{key}: {r.status_code}"
