"""The API's OpenAPI document, completed where Ninja leaves it short.

Ninja documents the replies an operation declares. Errors, though, are rendered by the API's exception handlers
(core.api), whatever the operation declares: every operation can answer 400 (a field is wrong), 404 and 422 (a
value of the wrong type); an authenticated one 401 and 403; one with a body 413 (too large); a write 409 (a
conflict: a state that has moved on, an idempotency key reused); a public one 429 (limited per address). Here each
operation gets those it lacks, all with the one error schema `ErrorOut` {detail, code, errors?}. And an operation
that answers a file (its path ends .xlsx, .csv, .pdf) is documented as that file, not as an empty reply.
"""

from __future__ import annotations

from http.client import responses as reasons
from typing import Any

from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

ERROR_SCHEMA = "ErrorOut"

FILE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}


def error_codes(method: str, operation: dict) -> set[int]:
    """The error statuses the API's handlers can give this operation."""
    codes = {400, 404, 422}
    if operation.get("security"):
        codes |= {401, 403}
    else:
        codes.add(429)
    if "requestBody" in operation:
        codes.add(413)
    if method.lower() != "get":
        codes.add(409)
    return codes


def complete(api, schema: dict) -> dict:
    from .api import ErrorOut

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_SCHEMA not in components:
        _add_model(components, ErrorOut)
    error_reply = {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=ERROR_SCHEMA)}}}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            replies: dict[Any, Any] = operation.setdefault("responses", {})
            declared = {int(status) for status in replies}
            for status in sorted(error_codes(method, operation) - declared):
                replies[status] = {"description": reasons.get(status, "Error"), "content": error_reply}
            ok = replies.get(200)
            media_type = next((t for suffix, t in FILE_TYPES.items() if path.endswith(suffix)), None)
            if ok is not None and media_type and "content" not in ok:
                ok["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return schema


def _add_model(components: dict, model: type[BaseModel]) -> None:
    generated = model.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
    )
    components.update(generated.pop("$defs", {}))
    components[model.__name__] = generated
