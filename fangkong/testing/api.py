"""Testing endpoints. Bulk endpoints take a client `batch_id`: a replayed batch changes nothing and gets the first
reply."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from fangkong.core.api import ErrorOut, idempotent, paginate
from fangkong.core.dates import Moment
from fangkong.core.errors import FieldError
from fangkong.core.tables import read_table_upload
from fangkong.registry import codes
from fangkong.registry.api import PersonRef, Ref, person_ref

from . import custody, monitoring, rounds, selectors
from .collection import MAX_SCANS, Scan, collections_ingest, tube_close
from .results import MAX_RESULTS, ResultRow, recall_sample, results_file_ingest, results_ingest

router = Router(tags=["testing"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CodeOut(Schema):
    code: str


@router.get("/people/{int:person_id}/code", response={200: CodeOut, **ERRORS}, tags=["testing"])
def person_code(request, person_id: int):
    """The person's pre-registration code (shown as a QR at the site)."""
    return {"code": codes.person_code(actor=request.user, person_id=person_id)}


class CodesIssueIn(Schema):
    jurisdiction_id: int


class CodesIssueOut(Schema):
    created: int


@router.post("/testing/codes:issue", response={200: CodesIssueOut, **ERRORS})
def codes_issue(request, payload: CodesIssueIn):
    """Codes for every resident of a jurisdiction who has none yet (repeating it creates nothing new)."""
    return {"created": codes.person_codes_issue(actor=request.user, jurisdiction_id=payload.jurisdiction_id)}


class RoundIn(Schema):
    name: str
    pool_size: int = 10
    deadline: Moment | None = None
    starts_at: Moment | None = None
    result_limit_hours: int = 24  # mass screening
    result_limits: dict[str, int] = {}  # {"fever_clinic": 6, "hospital": 12} (defaults from the domain brief)
    scope: list[int] = []
    # Compounds/buildings where each tube holds one household; left out: those of the sealed zones in force.
    household_places: list[int] | None = None


class RoundOut(Schema):
    id: int
    name: str
    pool_size: int
    starts_at: datetime
    deadline: datetime
    result_limit_hours: int


@router.post("/testing/rounds", response={201: RoundOut, **ERRORS})
def round_create(request, payload: RoundIn):
    """HQ: a round with its pool size and deadline (default 24 h); `scope` = jurisdiction ids (empty: all)."""
    return Status(201, rounds.round_create(actor=request.user, **payload.dict()))


@router.get("/testing/rounds", response=list[RoundOut])
def round_list(request):
    return list(selectors.rounds_visible(user=request.user)[:100])


class SamplingSiteOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    hours: str
    jurisdiction: Ref
    unit: Ref


class SitePage(Schema):
    items: list[SamplingSiteOut]
    count: int


@router.get("/testing/sites", response=SitePage)
def site_list(request, page: int = 1, page_size: int | None = None):
    """Sampling sites you may collect at."""
    items, count = paginate(selectors.sites_workable(user=request.user), page, page_size)
    return {
        "items": [
            {
                "id": s.pk,
                "name": s.name,
                "kind": s.kind,
                "address": s.address,
                "hours": s.hours,
                "jurisdiction": {"id": s.jurisdiction_id, "name": s.jurisdiction.name},
                "unit": {"id": s.unit_id, "name": s.unit.name},
            }
            for s in items
        ],
        "count": count,
    }


# What a scan holds, for the API's documentation only: the scans are checked one by one by the service (each
# rejection names its index), since a schema per item would cost more than the ingest itself and refuse the whole
# batch for one bad scan.
_SCAN_DOC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "person_code": {"type": "string", "description": "the personal code's QR (or give document_number)"},
        "document_number": {"type": "string"},
        "document_type": {"type": "string", "description": "empty: resident ID"},
        "tube_code": {"type": "string"},
        "site_id": {"type": "integer"},
        "collected_at": {"type": "string", "format": "date-time", "description": "ISO 8601 with its offset"},
    },
    "required": ["tube_code", "site_id", "collected_at"],
}


class CollectionsIn(Schema):
    batch_id: str
    scans: list[Any] = Field(..., json_schema_extra={"items": _SCAN_DOC, "maxItems": MAX_SCANS})


class ScanRejection(Schema):
    index: int
    message: str


def scans_from(items: list) -> list[Scan]:
    """The service's scans from the request's items, as they come: what is malformed here (not an object, a time
    that does not parse, a site that is not a number) is left empty, and the service names it for that index.
    Written for speed (a batch is 10,000 items): the common case — strings where strings belong — costs a type
    check; anything else is turned into text or left out."""
    times: dict[str, datetime | None] = {}  # a site's batch repeats its timestamps (a queue scanned per minute)
    scans: list[Scan] = []
    append = scans.append
    for index, item in enumerate(items):
        if item.__class__ is not dict:
            append(Scan(index))
            continue
        get = item.get
        collected: Any = get("collected_at")
        at = times.get(collected, _MISSING) if collected.__class__ is str else None
        if at is _MISSING:
            try:
                at = times[collected] = datetime.fromisoformat(collected)
            except ValueError:
                at = times[collected] = None
        site = get("site_id")
        code, doc_type, number, tube = (
            get("person_code"),
            get("document_type"),
            get("document_number"),
            get("tube_code"),
        )
        append(
            Scan(
                index,
                code if code.__class__ is str else _text(code),
                doc_type if doc_type.__class__ is str else _text(doc_type),
                number if number.__class__ is str else _text(number),
                tube if tube.__class__ is str else _text(tube),
                site if site.__class__ is int else None,
                None,
                at,  # type: ignore[arg-type]
            )
        )
    return scans


_MISSING = object()


def _text(value) -> str:
    """A number typed where a string belongs is taken as its digits; null, false or an empty thing as nothing."""
    return str(value) if value else ""


class BulkOut(Schema):
    accepted: int
    rejected: list[ScanRejection]


def _batch(request, scope: str, batch_id: str, run):
    batch_id = (batch_id or "").strip()
    if not batch_id or len(batch_id) > 128:
        raise FieldError(
            "batch_id", "Give a batch_id (up to 128 characters, unique per batch): a resent batch is then ignored."
        )
    return Status(*idempotent(request, scope, run, replay_status=200, fingerprint=request.body, key=batch_id))


@router.post("/testing/rounds/{int:round_id}/collections:bulk", response={200: BulkOut, **ERRORS})
def collections_bulk(request, round_id: int, payload: CollectionsIn):
    """Up to 10,000 scans. Valid scans are written; each rejected one is listed by index with the reason."""
    scans = scans_from(payload.scans)

    def run():
        return 200, collections_ingest(actor=request.user, round_id=round_id, scans=scans)

    return _batch(request, f"collections:{round_id}", payload.batch_id, run)


class TubeOut(Schema):
    code: str
    count: int
    pool_size: int
    closed_at: datetime | None


@router.post("/testing/tubes/{code}/close", response={200: TubeOut, **ERRORS})
def tube_close_api(request, code: str):
    """Close a tube before it is full (the end of the queue, the end of a shift)."""
    return tube_close(actor=request.user, code=code)


class BagIn(Schema):
    seal_code: str
    tube_codes: list[str]


class BagOut(Schema):
    seal_code: str
    tubes: int
    sealed_at: datetime
    handed_over_at: datetime | None
    received_at: datetime | None


def _bag(bag) -> dict:
    return {
        "seal_code": bag.seal_code,
        "tubes": bag.tubes.count(),
        "sealed_at": bag.sealed_at,
        "handed_over_at": bag.handed_over_at,
        "received_at": bag.received_at,
    }


@router.post("/testing/bags", response={201: BagOut, **ERRORS})
def bag_seal(request, payload: BagIn):
    """Seal closed tubes into a bag. Nothing is sealed if any tube is unknown, open or already bagged."""
    return Status(201, _bag(custody.bag_seal(actor=request.user, **payload.dict())))


@router.post("/testing/bags/{seal_code}/handover", response={200: BagOut, **ERRORS})
def bag_handover(request, seal_code: str):
    return _bag(custody.bag_handover(actor=request.user, seal_code=seal_code))


class ReceiveIn(Schema):
    tube_codes: list[str] | None = None


@router.post("/testing/bags/{seal_code}/receive", response={200: BagOut, **ERRORS})
def bag_receive(request, seal_code: str, payload: ReceiveIn | None = None):
    """The lab receives a bag; give the tube codes found inside to reconcile them with the seal."""
    return _bag(
        custody.bag_receive(actor=request.user, seal_code=seal_code, tube_codes=payload.tube_codes if payload else None)
    )


# As for scans: documented here, checked result by result by the service (each rejection names its index).
_RESULT_DOC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tube_code": {"type": "string"},
        "result": {"type": "string", "enum": ["negative", "positive", "invalid"]},
        "ct": {"type": "number", "description": "optional Ct value, such as 32.5"},
    },
    "required": ["tube_code", "result"],
}


class ResultsIn(Schema):
    batch_id: str
    results: list[Any] = Field(..., json_schema_extra={"items": _RESULT_DOC, "maxItems": MAX_RESULTS})


def results_from(items: list) -> list[ResultRow]:
    """The service's rows from the request's items; what is malformed is named by the service for its index."""
    rows = []
    for index, item in enumerate(items):
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


@router.post("/testing/results:bulk", response={200: BulkOut, **ERRORS})
def results_bulk(request, payload: ResultsIn):
    """Results per tube (up to 10,000). A positive pooled tube recalls all its members at once. Valid results are
    stored; each rejected one is listed by index with the reason."""
    rows = results_from(payload.results)

    def run():
        return 200, results_ingest(actor=request.user, rows=rows)

    return _batch(request, "results", payload.batch_id, run)


class FileRejection(Schema):
    row: int
    message: str


class FileOut(Schema):
    accepted: int
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


class StageOut(Schema):
    name: str
    tubes: int
    minutes: dict[str, float | None]
    late: int


class MonitoringOut(Schema):
    limit_hours: int
    sites: list[StageOut]
    labs: list[StageOut]
    late: list[dict]
    late_count: int


@router.get("/testing/rounds/{int:round_id}/monitoring", response={200: MonitoringOut, **ERRORS})
def round_monitoring(request, round_id: int):
    """HQ: median minutes of each stage (collect, deliver, test, report) per site and lab, and the late tubes."""
    data = monitoring.stage_timings(user=request.user, round_id=round_id)
    return {**data, "sites": [vars(r) for r in data["sites"]], "labs": [vars(r) for r in data["labs"]]}


class CoverageRow(Schema):
    jurisdiction: Ref
    expected: int
    sampled: int
    missing: int
    percent: float | None


class CoverageOut(Schema):
    rows: list[CoverageRow]


@router.get("/testing/rounds/{int:round_id}/coverage", response={200: CoverageOut, **ERRORS})
def round_coverage(request, round_id: int, jurisdiction: int | None = None):
    """Residents expected (the register) against sampled, per jurisdiction below `jurisdiction` (or yours)."""
    data = monitoring.coverage(user=request.user, round_id=round_id, parent_id=jurisdiction)
    return {
        "rows": [
            {**r, "jurisdiction": {"id": r["jurisdiction"].pk, "name": r["jurisdiction"].name}} for r in data["rows"]
        ]
    }


class MissingOut(Schema):
    person: PersonRef
    grid: Ref
    reason: str


@router.get("/testing/rounds/{int:round_id}/missing", response={200: list[MissingOut], **ERRORS})
def round_missing(request, round_id: int, jurisdiction: int):
    """Who in `jurisdiction` is not sampled yet, with the reason known (away, bedridden, closed_loop, not_yet)."""
    data = monitoring.missing(user=request.user, round_id=round_id, jurisdiction_id=jurisdiction)
    return [
        {
            "person": person_ref(m["person"]),
            "grid": {"id": m["person"].jurisdiction_id, "name": m["person"].jurisdiction.name},
            "reason": m["reason"],
        }
        for m in data["people"]
    ]


class RetestIn(Schema):
    tube_code: str


@router.post("/testing/recalls/{int:recall_id}/sample", response={200: RecallOut, **ERRORS})
def recall_retest(request, recall_id: int, payload: RetestIn):
    return _recall(recall_sample(actor=request.user, recall_id=recall_id, tube_code=payload.tube_code))
