"""A lab's result sheet: the columns it is read by, and the template with those columns to fill in."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.core.errors import Code, FieldError
from fangkong.core.tables import TableSpec, open_table
from fangkong.core.xlsx import workbook_bytes

from .entry import by_row
from .ingest import ResultRow, results_ingest

RESULT_COLUMNS = TableSpec(
    {
        "tube_code": {"管号", "试管编码", "采样管编码", "样本编号", "tube_code", "tube", "tube code"},
        "result": {"结果", "检测结果", "result"},
        "ct": {"ct", "ct值", "ct value"},
    },
    required=("tube_code", "result"),
    strict=True,  # a column we do not know might be the one that matters: refuse rather than guess
)
RESULT_WORDS = {"阴性": "negative", "阳性": "positive", "无效": "invalid", "neg": "negative", "pos": "positive"}

# The template's header (each title one the sheet is read by) and example rows: a negative, a positive with its Ct.
TEMPLATE_HEADER = ("管号", "结果", "Ct值")
TEMPLATE_ROWS = (("EXAMPLE-0001", "阴性", None), ("EXAMPLE-0002", "阳性", 28.5))


def results_file_ingest(*, actor, filename: str, content: bytes) -> dict:
    """A lab's result sheet. Rejections name the spreadsheet row (the header is row 1)."""
    table = open_table(RESULT_COLUMNS, filename, content)
    rows = []
    for number, raw in table.rows:
        values = table.values(raw)
        if values is None:
            continue
        word = values.get("result", "").strip().lower()
        rows.append(
            ResultRow(number, values.get("tube_code", ""), RESULT_WORDS.get(word, word), values.get("ct") or None)
        )
    if not rows:
        raise FieldError("file", _("The sheet has no results below its header."), code=Code.EMPTY)
    return by_row(results_ingest(actor=actor, rows=rows))


def results_template() -> bytes:
    """An .xlsx to fill in: the header the sheet is read by, and two example rows."""
    return workbook_bytes(_("Results"), TEMPLATE_HEADER, TEMPLATE_ROWS)
