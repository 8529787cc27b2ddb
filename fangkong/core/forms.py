"""One input schema per write: the API takes it as its body, a page builds it from its form with `from_form`, and
the service receives its values. A value the schema cannot read (a letter where a number belongs) becomes the
FieldError a service would raise, naming the field, for the page to show beside it.

A write's schema is declared once, beside its service (`zones.ZoneRequestInput` next to `zones.zone_request`), and
named `<Entity><Verb>Input`; core/tests/test_architecture.py checks that a write reachable from a page and from the
API reads both through the same class."""

from __future__ import annotations

import typing
from datetime import date, datetime, time
from types import NoneType, UnionType
from typing import Annotated, Any, Self, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .dates import _api_moment, parse_moment
from .errors import Code, FieldError

S = TypeVar("S", bound=BaseModel)

_UNSET_BOOL = ("", "0", "false", "off", "no")


def schema_from_form(schema: type[S], values: dict) -> S:
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "form"
        if first.get("type") == "missing":
            raise FieldError(field, _("This field is required."), code=Code.REQUIRED) from exc
        raise FieldError(field, _("This value cannot be read; check it."), code=Code.INVALID) from exc


def _end_of_day(value: Any) -> Any:
    """A bare date given for an end (a planned end, a date to) means the end of that day, from a form's date
    field as from the API; a date and time is taken as given."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max)
    if isinstance(value, str) and len(value.strip()) == 10:
        return parse_moment("value", value, end=True)
    return value


# A moment that closes a span: "2026-12-05" reads as the end of that day.
EndMoment = Annotated[datetime, BeforeValidator(_end_of_day), AfterValidator(_api_moment)]


def _kind(annotation: Any) -> Any:
    """The type under Optional/Annotated: list for list[...], bool, or whatever else."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not NoneType]
            annotation = rest[0] if len(rest) == 1 else annotation
            if len(rest) != 1:
                return annotation
        else:
            return origin or annotation


def _takes_text(annotation: Any) -> bool:
    """Whether a field takes text (str, or a union with str: a category by id or slug)."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, UnionType):
        return any(_takes_text(a) for a in typing.get_args(annotation))
    return annotation is str


class FormInput(Schema):
    """The base of a write's input schema: `from_form(request.POST)` reads a page's form the way a browser sends it
    — a repeated field (<select multiple>, checkboxes) as a list, a checkbox as present or not — and validates it
    exactly as the API does its JSON body (a blank date or number is not given, in both)."""

    @classmethod
    def form_values(cls, post) -> dict:
        """The form's values as the schema's fields; a subclass with a field typed differently on the page (places
        visited typed as one line) adapts them here."""
        values: dict = {}
        for name, field in cls.model_fields.items():
            kind = _kind(field.annotation)
            if kind is list:
                items = post.getlist(name) if hasattr(post, "getlist") else post.get(name, [])
                items = [v for v in items if str(v).strip() != ""]
                if items or name in post:
                    values[name] = items
            elif kind is bool:
                # An unticked checkbox is not sent at all.
                values[name] = name in post and str(post.get(name)).strip().lower() not in _UNSET_BOOL
            elif name in post:
                values[name] = post.get(name)
        return values

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_not_given(cls, value: Any, info: ValidationInfo) -> Any:
        """A blank date, number or id — an emptied form field, or "" in a JSON body — was not given: an optional
        one keeps its default, a required one is `required` naming the field, never a value that cannot be read.
        A blank text goes on to the service, which says what it needs in its own words."""
        if not (isinstance(value, str) and not value.strip()) or info.field_name is None:
            return value
        field = cls.model_fields[info.field_name]
        if _takes_text(field.annotation):
            return value
        if field.is_required():
            raise PydanticCustomError("missing", "Field required")
        return field.get_default(call_default_factory=True)

    @classmethod
    def from_form(cls, post, **fixed: Any) -> Self:
        """The schema from a page's form; `fixed` gives the values the page's address holds (the person whose page
        it is), which the API's body carries itself."""
        return schema_from_form(cls, cls.form_values(post) | fixed)


class NoteInput(FormInput):
    """A decision's or an action's written note (a reject's reason, an approval's remark); the rule on when it is
    needed lives in the service (`core.approvals.note_required`)."""

    note: str = ""
