"""Results given per tube: the API's body, or rows typed on the lab's page — one schema for both, read into the
rows `results_ingest` takes, as a result sheet is (sheet.py)."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any, Self

from django.utils.translation import gettext_lazy, pgettext
from ninja import Field
from pydantic import PrivateAttr

from fangkong.core.forms import FormInput

from .ingest import MAX_RESULTS, RESULTS, ResultRow

# As for scans: documented here, checked result by result by the service (each rejection names its index and
# field), since a schema per item would refuse the whole batch for one bad result.
_RESULT_DOC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tube_code": {"type": "string"},
        "result": {"type": "string", "enum": [str(r) for r in RESULTS]},
        "ct": {"type": "number", "description": "optional Ct value, such as 32.5"},
    },
    "required": ["tube_code", "result"],
}

# The fields a rejection names, as the lab's page and the template's header call them.
FIELD_LABELS = {
    "tube_code": gettext_lazy("Tube code"),
    "result": gettext_lazy("Result"),
    "ct": gettext_lazy("Ct value"),
}


def _text(value) -> str:
    """A number typed where a string belongs is taken as its digits; null, false or an empty thing as nothing."""
    return str(value) if value else ""


class ResultsRecordInput(FormInput):
    """Results per tube: the API's body (`results`: objects of tube_code, result and an optional ct; `batch_id`
    makes a resent batch change nothing), or the lab page's rows (the repeated fields tube_code, result and ct;
    blank rows left out, the others keeping their row number for the rejections to name)."""

    batch_id: str
    results: list[Any] = Field(..., json_schema_extra={"items": _RESULT_DOC, "maxItems": MAX_RESULTS})
    _numbers: list[int] | None = PrivateAttr(default=None)  # the page's row numbers of `results`

    @classmethod
    def typed_rows(cls, post) -> list[tuple[int, dict]]:
        """The page's rows that hold anything, with their row numbers."""
        columns = [post.getlist(name) for name in ("tube_code", "result", "ct")]
        return [
            (n, {"tube_code": code, "result": result, "ct": ct})
            for n, (code, result, ct) in enumerate(zip_longest(*columns, fillvalue=""), start=1)
            if str(code).strip() or str(result).strip() or str(ct).strip()
        ]

    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        values["results"] = [item for _n, item in cls.typed_rows(post)]
        return values

    @classmethod
    def from_form(cls, post, **fixed: Any) -> Self:
        data = super().from_form(post, **fixed)
        data._numbers = [n for n, _item in cls.typed_rows(post)]
        return data

    def rows(self) -> list[ResultRow]:
        """The service's rows, as they come: what is malformed (not an object, a code that is a number) is left
        empty or turned into text, and the service names it for its row."""
        numbers = self._numbers or range(len(self.results))
        rows = []
        for index, item in zip(numbers, self.results, strict=True):
            if item.__class__ is not dict:
                rows.append(ResultRow(index, "", ""))
                continue
            code, result = item.get("tube_code"), item.get("result")
            rows.append(
                ResultRow(
                    index,
                    code if code.__class__ is str else _text(code),
                    result if result.__class__ is str else _text(result),
                    item.get("ct"),
                )
            )
        return rows


def by_row(reply: dict) -> dict:
    """The service's reply with each rejection named by its row: a sheet's or a page's row number."""
    return {**reply, "rejected": [{"row": r["index"], **_without(r, "index")} for r in reply["rejected"]]}


def labelled(reply: dict) -> dict:
    """A reply named by row as the lab's page shows it: each rejection with its field's label, each positive pool
    with the places told as one phrase."""
    comma = pgettext("list separator", ", ")
    return {
        **reply,
        "rejected": [{**r, "label": FIELD_LABELS.get(r["field"], r["field"])} for r in reply["rejected"]],
        "pools": [{**p, "where": comma.join(p["told"])} for p in reply.get("pools", [])],
    }


def _without(row: dict, key: str) -> dict:
    return {k: v for k, v in row.items() if k != key}
