"""Every URL pattern and every API operation the project serves, read from the running configuration.

`url_patterns()` walks fangkong.site.urls through every include (name, namespace, converters); `api_operations()` reads
the Ninja routers behind /api/v1/ (method, path, operationId) — the same operations `api.get_openapi_schema()`
lists, read without building the JSON schema so a schema problem elsewhere cannot hide an endpoint.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, converters included: "screening/followups/<int:followup_id>/"
    name: str  # "screening:followup"; the route when the pattern has no name
    converters: tuple[tuple[str, str], ...]  # (parameter, converter) in order: (("followup_id", "int"),)
    api: bool  # served by the Ninja API (checked through its operations)

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the router declares it: "/followups/{int:followup_id}/contact"
    operation_id: str
    params: tuple[str, ...]  # the view's parameters other than request
    view: object

    @property
    def key(self) -> str:
        return self.operation_id

    def url(self, **values) -> str:
        """The URL under /api/v1 with each {conv:name} or {name} replaced by values[name]."""

        def sub(m: re.Match) -> str:
            return str(values[m.group(2)])

        return "/api/v1" + re.sub(r"\{(?:(\w+):)?(\w+)\}", sub, self.path)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(m.group(2) for m in re.finditer(r"\{(?:(\w+):)?(\w+)\}", self.path))


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_patterns() -> list[Pattern]:
    import fangkong.site.urls  # noqa: F401  (the API's routers are attached on import)

    out: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str, api: bool) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, api or p.namespace == "api")
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
                convs = tuple((m.group(2), m.group(1) or "str") for m in _CONVERTER.finditer(route))
                out.append(Pattern(route=route, name=name, converters=convs, api=api))

    walk(get_resolver().url_patterns, "", "", False)
    return out


def api_operations() -> list[Operation]:
    import fangkong.site.urls  # noqa: F401
    from fangkong.core.api import api

    out: list[Operation] = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                params = tuple(p for p in inspect.signature(op.view_func).parameters if p != "request")
                for method in op.methods:
                    operation_id = op.operation_id or api.get_openapi_operation_id(op)
                    out.append(Operation(method, path, operation_id, params, op.view_func))
    return out
