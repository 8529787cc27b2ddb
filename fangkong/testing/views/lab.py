"""The lab's page: bags received, results typed or uploaded, the result sheet's template."""

from __future__ import annotations

from uuid import uuid4

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.core.xlsx import xlsx_response

from .. import custody
from ..models import Bag, Tube
from ..results import (
    RESULTS,
    ResultsRecordInput,
    by_row,
    labelled,
    results_file_ingest,
    results_ingest,
    results_template,
)
from .said import Said

ENTRY_ROWS, MAX_ENTRY_ROWS = 5, 50  # rows of the lab page's entry form, and at most (more rows on request)


@scoped
def lab_page(request):
    """Receive bags; record results typed row by row or uploaded as a sheet — both through results_ingest, and
    both answered with what the results came to."""
    if not has_cap(request.user, Cap.TESTING_LAB):
        raise Forbidden(Cap.TESTING_LAB)
    error, said, result = None, None, None
    action = request.POST.get("action", "")
    typed: dict[int, dict] = {}  # the entry form's rows to show again (rejected), by row number
    if request.method == "POST":
        try:
            if "file" in request.FILES or action == "upload":
                result = _results_uploaded(request)
            elif action == "results":
                result = _results_typed(request)
                typed = _rows_typed(request.POST, {r["row"]: r["field"] for r in result["rejected"]})
            else:
                found = custody.BagReceiveInput.from_form(request.POST)
                received = custody.bag_receive(
                    actor=request.user, seal_code=request.POST.get("seal_code", ""), **found.dict()
                )
                n = received.tubes.count()
                inside = ngettext(
                    "%(n)d tube in it: enter or upload its result below.",
                    "%(n)d tubes in it: enter or upload their results below.",
                    n,
                ) % {"n": n}
                got = _("Bag %(s)s received.") % {"s": received.seal_code}
                said = Said("bag_received", f"{got} {inside}")
        except FieldError as exc:
            error = exc
            if action == "results":
                typed = _rows_typed(request.POST, None)
    recent = Bag.objects.filter(received_by=request.user).order_by("-received_at")[:20]
    shown = max(ENTRY_ROWS, min(param_id(request.GET, "rows") or 0, MAX_ENTRY_ROWS), max(typed, default=0))
    return render(
        request,
        "testing/lab.html",
        {
            "error": error,
            "said": said,
            "result": labelled(result) if result else None,
            "recent": recent,
            "batch_id": uuid4().hex,  # a fresh batch per form drawn: a resent form shows the first outcome
            "entry": [(n, typed.get(n, {})) for n in range(1, shown + 1)],
            "more_rows": min(shown + 10, MAX_ENTRY_ROWS) if shown < MAX_ENTRY_ROWS else None,
            "results": [(r.value, r.label) for r in Tube.Result if r in RESULTS],
        },
        status=400 if error else 200,
    )


def _once(request, field: str, run) -> dict:
    """A result form recorded once (its batch_id, drawn with the page): a reload or a double click answers with the
    first outcome instead of refusing every tube as having its result already — as the API's batch_id does."""
    _status, body = idempotent(request, "page-results", run, key=request.POST.get("batch_id", "").strip()[:64])
    if "accepted" not in body:  # a 409: this form was sent before with other rows, or is being recorded now
        if body.get("code") == "idempotency_key_reused":
            message = _("This form was sent already with other rows: enter these in a new form (reload the page).")
        else:
            message = _("This form is being recorded: wait a moment and reload the page.")
        raise FieldError(field, message, code=Code.DUPLICATE)
    return body


def _results_typed(request) -> dict:
    """The entry form's rows, read as the API's results are (one schema)."""
    data = ResultsRecordInput.from_form(request.POST)
    return _once(request, "results", lambda: (200, by_row(results_ingest(actor=request.user, rows=data.rows()))))


def _results_uploaded(request) -> dict:
    upload = request.FILES.get("file")
    if upload is None:
        raise FieldError("file", _("Choose a file."), code=Code.REQUIRED)
    content = read_table_upload(upload)
    return _once(
        request,
        "file",
        lambda: (200, results_file_ingest(actor=request.user, filename=upload.name or "", content=content)),
    )


def _rows_typed(post, keep: dict[int, str] | None) -> dict[int, dict]:
    """The entry form's rows by number, to fill it again: those in `keep` (the rejected ones, with the field to
    correct), or all (None: the form was refused as a whole)."""
    return {
        n: {**item, "field": (keep or {}).get(n)}
        for n, item in ResultsRecordInput.typed_rows(post)
        if keep is None or n in keep
    }


@scoped
def results_template_download(request):
    """The result sheet to fill in: the header the upload reads, and two example rows."""
    if not has_cap(request.user, Cap.TESTING_LAB):
        raise Forbidden(Cap.TESTING_LAB)
    return xlsx_response("results-template.xlsx", results_template())
