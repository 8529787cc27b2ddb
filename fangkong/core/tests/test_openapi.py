"""The OpenAPI document tells the truth: one component per schema class (no two classes under one name, each
overwriting the other), every reply a client can get is documented with the schema it has (checked against real
replies from every router), every error reply is the one error schema, and files are documented as files."""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from datetime import timedelta

import jsonschema_rs  # comes with schemathesis (dev extras)
import pytest
from django.contrib.auth import get_user_model
from pydantic import BaseModel

from fangkong.core import clock
from fangkong.core.api import api
from fangkong.core.openapi import FILE_TYPES, error_codes
from fangkong.core.tests.test_no_500 import _token
from fangkong.site.demo import seed_demo

JSON = "application/json"


def _document() -> dict:
    import fangkong.site.urls  # noqa: F401  (adds the routers to the API)

    return api.get_openapi_schema(path_prefix="/api/v1")


def _models_in(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def _registered_models() -> set[type[BaseModel]]:
    """Every schema class the API's operations take or answer, nested ones included."""
    _document()
    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:  # Ninja's wrappers of the parameters and the body
                    for field in model.model_fields.values():
                        _models_in(field.annotation, found)
                for model in operation.response_models.values():
                    for field in getattr(model, "model_fields", {}).values():  # Ninja's wrapper of the reply
                        _models_in(field.annotation, found)
    return found


def test_no_two_schema_classes_share_a_component_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _registered_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"schema classes sharing a component name (the document keeps only one): {shared}"
    assert len(by_name) > 100  # the walk found the API's classes, not nothing


def test_the_reveal_reply_and_the_trip_decision_are_documented_as_they_are():
    doc = _document()
    components = doc["components"]["schemas"]

    def schema_of(ref: dict) -> dict:
        return components[ref["$ref"].rsplit("/", 1)[-1]]

    reveal = doc["paths"]["/api/v1/people/{person_id}/reveal"]["post"]
    reply = schema_of(reveal["responses"][200]["content"][JSON]["schema"])
    assert set(reply["properties"]) == {"document_number", "phone"}
    decide = doc["paths"]["/api/v1/travel-reports/{report_id}/decide"]["post"]
    body = schema_of(decide["requestBody"]["content"][JSON]["schema"])
    assert "approve" in body["required"]


def test_every_operation_documents_its_error_replies_and_files():
    doc = _document()
    error = {"$ref": "#/components/schemas/ErrorOut"}
    assert set(doc["components"]["schemas"]["ErrorOut"]["required"]) == {"detail", "code"}
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            replies = {int(status): reply for status, reply in operation["responses"].items()}
            for status in error_codes(method, operation):
                assert status in replies, f"{method} {path} does not document {status}"
            for status, reply in replies.items():
                if status >= 400:
                    assert reply["content"][JSON]["schema"] == error, f"{method} {path} {status}"
            media_type = next((t for suffix, t in FILE_TYPES.items() if path.endswith(suffix)), None)
            if media_type:
                assert replies[200]["content"] == {media_type: {"schema": {"type": "string", "format": "binary"}}}
            else:
                ok = [reply for status, reply in replies.items() if 200 <= status < 300]
                assert ok and all(JSON in reply.get("content", {JSON: None}) for reply in ok), f"{method} {path}"


# ---------------------------------------------------------------- real replies against the document


class Replies:
    """Calls the API and checks each reply against what the document says of that operation and status."""

    def __init__(self, client):
        self.client = client
        self.doc = _document()
        self.components = self.doc["components"]
        self.checked: set[str] = set()  # the tags (routers) of operations checked
        self.failures: list[str] = []

    def operation(self, method: str, url: str) -> tuple[str, dict]:
        path = url.split("?", 1)[0]
        if method in self.doc["paths"].get(path, {}):  # /zones/levels before /zones/{zone_id}
            return path, self.doc["paths"][path][method]
        for template, methods in self.doc["paths"].items():
            if method in methods and re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path):
                return template, methods[method]
        raise AssertionError(f"no documented operation for {method} {url}")

    def call(self, method: str, url: str, headers: dict, body=None, expect: int | None = None):
        kwargs = {"data": body, "content_type": JSON} if body is not None else {}
        response = getattr(self.client, method)(url, **kwargs, **headers)
        _template, operation = self.operation(method, url)
        what = f"{method.upper()} {url} → {response.status_code}"
        if expect is not None and response.status_code != expect:
            self.failures.append(f"{what}, expected {expect}: {response.content[:200]!r}")
        reply = operation["responses"].get(response.status_code)
        if reply is None:
            self.failures.append(f"{what}: status not documented ({sorted(operation['responses'])})")
            return response
        media_type = response["Content-Type"].split(";")[0]
        schema = reply.get("content", {}).get(media_type, {}).get("schema")
        if schema is None:
            self.failures.append(f"{what}: {media_type} not documented ({list(reply.get('content', {}))})")
        elif media_type == JSON:
            validator = jsonschema_rs.validator_for({**schema, "components": self.components}, validate_formats=True)
            errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(response.json())]
            if errors:
                self.failures.append(f"{what}: reply breaks its schema: {errors[:3]}")
        self.checked.update(operation.get("tags", []))
        return response


@pytest.fixture
def demo(db):
    seed_demo(people=100)


def _first_ids() -> dict[str, object]:
    """A real id for each kind of path parameter the demo has rows for, keyed by the path before it."""
    from fangkong.command.models import SituationReport, Task
    from fangkong.containment.models import Zone
    from fangkong.portal.content_models import Article
    from fangkong.registry.models import Person, PersonCode, Unit
    from fangkong.safety.models import Accident
    from fangkong.screening.models import FollowUp
    from fangkong.testing.models import Round

    rows = {
        "/people/": Person.objects.order_by("pk").first(),
        "/checkpoints/": Unit.objects.filter(kind=Unit.Kind.CHECKPOINT).order_by("pk").first(),
        "/followups/": FollowUp.objects.order_by("pk").first(),
        "/testing/rounds/": Round.objects.order_by("pk").first(),
        "/zones/": Zone.objects.order_by("pk").first(),
        "/venues/": Unit.objects.filter(kind=Unit.Kind.VENUE).order_by("pk").first(),
        "/tasks/": Task.objects.order_by("pk").first(),
        "/situation-reports/": SituationReport.objects.order_by("pk").first(),
        "/safety/accidents/": Accident.objects.order_by("pk").first(),
        "/safety/enterprises/": Unit.objects.filter(kind=Unit.Kind.ENTERPRISE).order_by("pk").first(),
        "/portal/articles/": Article.objects.order_by("pk").first(),
    }
    ids: dict[str, object] = {prefix: row.pk for prefix, row in rows.items() if row is not None}
    code = PersonCode.objects.order_by("pk").first()
    if code is not None:
        ids["/status/"] = code.code
    return ids


def _fill(path: str, ids: dict[str, object]) -> str | None:
    """The path with its parameters filled with real ids, or None when the demo has none."""
    out = path
    for match in re.finditer(r"\{[^}]+\}", path):
        before = path[: match.start()].removeprefix("/api/v1")
        value = next((v for prefix, v in ids.items() if before.endswith(prefix)), None)
        if value is None:
            return None
        out = out.replace(match.group(0), str(value), 1)
    return out


def test_real_replies_match_the_document(client, demo):
    from fangkong.command.models import ReportTemplate
    from fangkong.registry.models import Jurisdiction, Person, Unit

    users = {u.username: u for u in get_user_model().objects.all()}
    hq, worker = _token(users["hq_admin"]), _token(users["grid_worker_a"])
    replies = Replies(client)
    ids = _first_ids()
    today = clock.localdate()
    template = ReportTemplate.objects.order_by("pk").first()
    query = {
        "reason": "核查密接人员行程",
        "since": (today - timedelta(days=7)).isoformat(),
        "until": today.isoformat(),
        "template_id": template.pk if template else 1,
    }
    # Every GET the demo can answer, as HQ and as a community worker (whose replies are often 403 or 404).
    for path, methods in replies.doc["paths"].items():
        if "get" not in methods:
            continue
        url = _fill(path, ids)
        if url is None:
            continue
        required = [p["name"] for p in methods["get"].get("parameters", []) if p["in"] == "query" and p["required"]]
        if required:
            url += "?" + "&".join(f"{name}={query.get(name, '1')}" for name in required)
        replies.call("get", url, hq)
        replies.call("get", url, worker)

    # Writes, one or more in each router: what they answer is what the document says.
    person = Person.objects.order_by("pk").first()
    replies.call("post", f"/api/v1/people/{person.pk}/reveal", hq, {"reason": "核查密接人员身份信息"}, expect=200)
    replies.call("post", f"/api/v1/people/{person.pk}/reveal", worker, {"reason": "x"})
    replies.call("post", "/api/v1/people/0/reveal", hq, {"reason": "核查密接人员身份信息"}, expect=404)
    district = Jurisdiction.objects.get(level="district")
    replies.call(
        "post",
        "/api/v1/duty/rosters",
        hq,
        {"jurisdiction_id": district.pk, "first": today.isoformat(), "days": 2, "change_at": "08:00:00+08:00"},
        expect=201,
    )
    replies.call("post", "/api/v1/inbox/read", hq, {})
    regulator = _token(users["safety_regulator"])
    enterprise = Unit.objects.filter(kind=Unit.Kind.ENTERPRISE).order_by("pk").first()
    replies.call(
        "post",
        "/api/v1/safety/hazards",
        regulator,
        {
            "enterprise_id": enterprise.pk,
            "grade": "general",
            "description": "消防通道堵塞",
            "deadline": (today + timedelta(days=5)).isoformat(),
        },
    )
    replies.call("post", "/api/v1/travel-reports/0/decide", hq, {"approve": True}, expect=404)
    replies.call("post", "/api/v1/travel-reports/1/decide", hq, {"note": "no decision"}, expect=422)
    replies.call("post", "/api/v1/zones", hq, {"nonsense": 1}, expect=422)
    replies.call("post", "/api/v1/portal/articles", worker, {"title": "x"})
    replies.call("post", "/api/v1/testing/rounds", worker, {"name": "x"})
    replies.call("post", "/api/v1/livelihood/price-reports/0/decide", hq, {"confirmed": True})
    replies.call("post", "/api/v1/auth/token", {}, {"username": "hq_admin", "password": "wrong"}, expect=401)
    replies.call("get", "/api/v1/people", {}, expect=401)
    replies.call("get", "/api/v1/people/1180591620717411303424", hq, expect=404)

    assert not replies.failures, "\n".join(replies.failures[:60])
    tags = {tag for methods in replies.doc["paths"].values() for op in methods.values() for tag in op.get("tags", [])}
    assert replies.checked == tags, f"routers without a checked reply: {tags - replies.checked}"
