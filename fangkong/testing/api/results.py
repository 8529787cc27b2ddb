"""Lab results in bulk or as a file, recalls and their single-tube retests."""

from __future__ import annotations

from datetime import datetime

from ninja import File, Schema, Status
from ninja.files import UploadedFile

from fangkong.core.api import idempotent, paginate
from fangkong.core.tables import read_table_upload
from fangkong.registry.api import PersonRef, person_ref

from .. import selectors
from ..results import (
    RecallSampleInput,
    ResultsRecordInput,
    recall_sample,
    results_file_ingest,
    results_ingest,
)
from . import ERRORS, _batch, router


class ResultRejection(Schema):
    index: int
    field: str
    code: str
    message: str


class PoolOut(Schema):
    tube: str
    people: int  # recalled for a single-tube retest, under temporary control until then
    told: list[str]  # the communities and grids whose recall workers were told to bring them in


class ResultsOutcome(Schema):
    """What the stored results came to."""

    accepted: int
    negative: int
    positive: int
    invalid: int
    pools: list[PoolOut]  # positive pooled tubes
    confirmed: list[str]  # positive single tubes (a retest, or a tube of one person): each a confirmed case
    released: int  # negative retests: out of temporary control
    # Invalid retests: their recalls ordered again, their people to be sampled again (0 in replies stored before it).
    resample: int = 0


class ResultsOut(ResultsOutcome):
    rejected: list[ResultRejection]


@router.post("/testing/results:bulk", response={200: ResultsOut, **ERRORS})
def results_bulk(request, payload: ResultsRecordInput):
    """Results per tube (up to 10,000). A positive pooled tube recalls all its members at once. Valid results are
    stored; each rejected one is listed by index with the field and the reason. The reply says what they came to."""
    rows = payload.rows()

    def run():
        return 200, results_ingest(actor=request.user, rows=rows)

    return _batch(request, "results", payload.batch_id, run)


class FileRejection(Schema):
    row: int
    field: str
    code: str
    message: str


class FileOut(ResultsOutcome):
    rejected: list[FileRejection]


@router.post("/testing/results:upload", response={200: FileOut, **ERRORS})
def results_upload(request, file: File[UploadedFile]):
    """A result sheet (.xlsx, or .csv in UTF-8/GBK): columns 管号/tube_code, 结果/result (阴性/阳性/无效), Ct."""
    content = read_table_upload(file)

    def run():
        return 200, results_file_ingest(actor=request.user, filename=file.name or "", content=content)

    return Status(*idempotent(request, "results-file", run, replay_status=200, fingerprint=content))


class RecallOut(Schema):
    id: int
    person: PersonRef
    tube_code: str
    retest_tube_code: str | None
    # The retest tube's result: "" while awaited; "invalid" on an ordered recall: why it is back, sample it again.
    retest_result: str
    state: str
    ordered_at: datetime


class RecallPage(Schema):
    items: list[RecallOut]
    count: int


def _recall(r) -> dict:
    return {
        "id": r.pk,
        "person": person_ref(r.person),
        "tube_code": r.source_tube.code,
        "retest_tube_code": r.retest_tube.code if r.retest_tube else None,
        "retest_result": r.retest_tube.result if r.retest_tube else "",
        "state": r.state,
        "ordered_at": r.ordered_at,
    }


@router.get("/testing/rounds/{int:round_id}/recalls", response={200: RecallPage, **ERRORS})
def recall_list(request, round_id: int, state: str = "", page: int = 1, page_size: int | None = None):
    """Retest orders in your jurisdiction: members of positive pools, under temporary control until retested."""
    selectors.round_get(user=request.user, round_id=round_id)
    qs = selectors.recalls_visible(user=request.user).filter(round_id=round_id).order_by("ordered_at", "id")
    if state:
        qs = qs.filter(state=state)
    items, count = paginate(qs, page, page_size)
    return {"items": [_recall(r) for r in items], "count": count}


@router.post("/testing/recalls/{int:recall_id}/sample", response={200: RecallOut, **ERRORS})
def recall_retest(request, recall_id: int, payload: RecallSampleInput):
    return _recall(recall_sample(actor=request.user, recall_id=recall_id, **payload.dict()))
