"""core.forms: a page's form read by the schema the API reads its body with — the same values, the same codes."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from fangkong.core.dates import Moment
from fangkong.core.errors import FieldError
from fangkong.core.forms import EndMoment, FormInput


class _Input(FormInput):
    title: str
    count: int
    when: Moment | None = None
    until: EndMoment | None = None
    ids: list[int] = []
    urgent: bool = False


def _form(text: str) -> QueryDict:
    return QueryDict(text, mutable=False)


def test_a_form_reads_lists_checkboxes_and_blank_optional_fields():
    data = _Input.from_form(_form("title=x&count=3&when=&ids=4&ids=5&ids=&urgent=on"))
    assert (data.title, data.count, data.when, data.ids, data.urgent) == ("x", 3, None, [4, 5], True)
    assert _Input.from_form(_form("title=x&count=3")).urgent is False  # an unticked box is not sent


def test_a_bare_end_date_is_the_end_of_that_day_on_a_page_and_in_the_api():
    from_page = _Input.from_form(_form("title=x&count=1&until=2026-12-05"))
    from_api = _Input.model_validate({"title": "x", "count": 1, "until": "2026-12-05"})
    assert from_page.until == from_api.until
    assert from_page.until is not None and (from_page.until.hour, from_page.until.minute) == (23, 59)


@pytest.mark.parametrize(
    ("text", "field", "code"),
    [
        ("title=x&count=", "count", "required"),  # a required number left blank was not given
        ("title=x", "count", "required"),
        ("title=x&count=three", "count", "invalid"),
        ("title=x&count=1&ids=a", "ids", "invalid"),
    ],
)
def test_what_a_form_cannot_give_names_the_field_and_a_code(text, field, code):
    with pytest.raises(FieldError) as exc:
        _Input.from_form(_form(text))
    assert (exc.value.field, exc.value.code) == (field, code)


def test_values_from_the_pages_address_win_over_the_form():
    class _ForPerson(FormInput):
        person_id: int
        note: str = ""

    assert _ForPerson.from_form(_form("person_id=999&note=n"), person_id=7).person_id == 7


def test_blank_in_a_json_body_is_not_given_either():
    assert _Input.model_validate({"title": "", "count": 2, "when": ""}).when is None
    assert _Input.model_validate({"title": "", "count": 2}).title == ""  # a blank text goes on to the service
