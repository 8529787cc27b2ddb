"""One input schema per write: the API takes it as its body, a page builds it from its form with `from_form`, and
the service takes the same object. A value the schema cannot read (a letter where a number belongs) becomes the
FieldError a service would raise, naming the field, for the page to show beside it."""

from __future__ import annotations

from typing import TypeVar

from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from .errors import FieldError

S = TypeVar("S", bound=BaseModel)


def schema_from_form(schema: type[S], values: dict) -> S:
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "form"
        raise FieldError(field, _("This value cannot be read; check it."), code="invalid") from exc
