"""Lab results per tube — from the API, rows typed on the lab's page, or a sheet — and the recalls they cause,
with their single-tube retests. The names the module had before it became a package stay importable here."""

from __future__ import annotations

from .entry import FIELD_LABELS, ResultsRecordInput, by_row, labelled
from .ingest import MAX_RESULTS, RESULTS, ResultRow, results_ingest
from .retests import RecallSampleInput, recall_sample
from .sheet import RESULT_COLUMNS, RESULT_WORDS, TEMPLATE_HEADER, results_file_ingest, results_template

__all__ = [
    "FIELD_LABELS",
    "MAX_RESULTS",
    "RESULTS",
    "RESULT_COLUMNS",
    "RESULT_WORDS",
    "TEMPLATE_HEADER",
    "RecallSampleInput",
    "ResultRow",
    "ResultsRecordInput",
    "by_row",
    "labelled",
    "recall_sample",
    "results_file_ingest",
    "results_ingest",
    "results_template",
]
