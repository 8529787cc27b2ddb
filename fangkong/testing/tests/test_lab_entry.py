"""The lab's page: results typed row by row (the API's schema, the service's rules and effects), the sheet's
template, and what every result batch is answered with."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from fangkong.core.models import IdempotencyRecord
from fangkong.testing.custody import bag_receive, bag_seal
from fangkong.testing.models import Recall, Tube
from fangkong.testing.results import RESULT_COLUMNS, ResultRow, recall_sample, results_ingest
from fangkong.testing.tests.conftest import collect, scan


@pytest.fixture
def pools(district, testing):
    """Two pooled tubes received at the lab: POOL-A of ten people of community A, POOL-B of the other two."""
    people = testing.people_a
    collect(testing.sampler, testing.round, [scan(p, "POOL-A", testing.site, i) for i, p in enumerate(people[:10])])
    collect(testing.sampler, testing.round, [scan(p, "POOL-B", testing.site, i) for i, p in enumerate(people[10:])])
    Tube.objects.filter(code="POOL-B").update(closed_at=Tube.objects.get(code="POOL-A").closed_at)
    bag_seal(actor=testing.sampler, seal_code="SEAL-E", tube_codes=["POOL-A", "POOL-B"])
    bag_receive(actor=testing.lab, seal_code="SEAL-E")


def _rows(*rows: tuple[str, str, str], batch: str = "page-1") -> dict:
    """The entry form as a browser posts it: every row's three fields, blank rows included."""
    return {
        "action": "results",
        "batch_id": batch,
        "tube_code": [r[0] for r in rows],
        "result": [r[1] for r in rows],
        "ct": [r[2] for r in rows],
    }


def test_results_typed_on_the_lab_page_are_recorded_with_their_effects(
    district, testing, pools, django_capture_on_commit_callbacks
):
    lab = district.client(testing.lab)
    form = _rows(
        ("pool-a", "positive", "29.5"),
        ("", "", ""),  # a blank row is left out, the rows after it keep their numbers
        ("GHOST-1", "negative", ""),
        ("POOL-B", "", ""),
        ("POOL-B", "negative", "abc"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = lab.post("/testing/lab/", form)
    assert r.status_code == 200
    result = r.context["result"]
    assert (result["accepted"], result["negative"], result["positive"], result["invalid"]) == (1, 0, 1, 0)
    # Each refused row is named by its number on the form and the field to correct.
    assert [(x["row"], x["field"], x["code"]) for x in result["rejected"]] == [
        (3, "tube_code", "not_found"),
        (4, "result", "required"),
        (5, "ct", "invalid"),
    ]
    # The same effects as a sheet or the API: the pool's ten people recalled, their community's workers told.
    assert Recall.objects.filter(source_tube__code="POOL-A").count() == 10
    assert result["pools"] == [{"tube": "POOL-A", "people": 10, "told": [district.a.name], "where": district.a.name}]
    assert Tube.objects.get(code="POOL-A").ct == 29.5
    body = r.content.decode()
    assert 'data-code="pool_positive" data-tube="POOL-A" data-people="10"' in body
    assert 'data-code="told"' in body and district.a.name in body
    # The form comes back with the refused rows only, where they were, the field to correct marked.
    entry = dict(r.context["entry"])
    assert entry[1] == {} and entry[3]["tube_code"] == "GHOST-1" and entry[4]["field"] == "result"
    assert body.count('aria-invalid="true"') == 3

    # The same form sent again (a reload) is the same batch: the first outcome, nothing recorded twice.
    again = lab.post("/testing/lab/", form)
    assert again.context["result"]["accepted"] == 1 and again.context["result"]["pools"][0]["tube"] == "POOL-A"
    assert Recall.objects.count() == 10 and IdempotencyRecord.objects.filter(scope="page-results").count() == 1
    # The old form sent back with other rows (Back, then typing): told in words to use a new form, nothing recorded.
    reused = lab.post("/testing/lab/", _rows(("POOL-B", "negative", "33")), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reused.context["error"].code == "duplicate" and "Idempotency" not in reused.content.decode()
    assert Tube.objects.get(code="POOL-B").result == ""
    # A new form with the corrected row: only the row that was wrong is recorded now.
    fixed = lab.post("/testing/lab/", _rows(("POOL-A", "positive", ""), ("POOL-B", "negative", "33"), batch="page-2"))
    assert fixed.context["result"]["accepted"] == 1 and fixed.context["result"]["negative"] == 1
    assert [(x["row"], x["code"]) for x in fixed.context["result"]["rejected"]] == [(1, "duplicate")]
    assert Tube.objects.get(code="POOL-B").result == "negative"


def test_an_empty_entry_form_is_refused_naming_the_results(district, testing):
    r = district.client(testing.lab).post("/testing/lab/", _rows(("", "", ""), ("", "", "")))
    assert (r.status_code, r.context["error"].field, r.context["error"].code) == (400, "results", "required")


def test_the_page_and_the_api_read_results_alike(district, testing, pools, client, api_token):
    """One schema (ResultsRecordInput): the same rows refused for the same field and code either way."""
    rows = [("POOL-A", "maybe", ""), ("POOL-B", "negative", "1000")]
    page = district.client(testing.lab).post("/testing/lab/", _rows(*rows)).context["result"]["rejected"]
    api = client.post(
        "/api/v1/testing/results:bulk",
        json.dumps({"batch_id": "api-1", "results": [{"tube_code": t, "result": r, "ct": c} for t, r, c in rows]}),
        content_type="application/json",
        **api_token(testing.lab),
    ).json()["rejected"]
    assert [(x["field"], x["code"]) for x in page] == [(x["field"], x["code"]) for x in api]
    assert [(x["field"], x["code"]) for x in page] == [("result", "unknown_choice"), ("ct", "invalid")]
    assert [x["row"] for x in page] == [1, 2] and [x["index"] for x in api] == [0, 1]


def test_the_result_template_is_what_the_upload_reads(district, testing, pools):
    lab = district.client(testing.lab)
    page = lab.get("/testing/lab/").content.decode()
    assert 'href="/testing/lab/template.xlsx"' in page
    r = lab.get("/testing/lab/template.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and all(RESULT_COLUMNS.aliases.get(str(h).lower()) for h in rows[0])
    # Sent back as it is, its header is read and its example rows reach the rules (no such tubes here).
    back = lab.post("/testing/lab/", {"file": SimpleUploadedFile("results-template.xlsx", r.content)})
    assert back.status_code == 200
    assert [(x["row"], x["field"], x["code"]) for x in back.context["result"]["rejected"]] == [
        (2, "tube_code", "not_found"),
        (3, "tube_code", "not_found"),
    ]
    # Filled in with real tubes, it records them.
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.active
    sheet["A2"], sheet["A3"] = "POOL-A", "POOL-B"
    out = io.BytesIO()
    book.save(out)
    filled = lab.post("/testing/lab/", {"file": SimpleUploadedFile("filled.xlsx", out.getvalue())})
    result = filled.context["result"]
    assert (result["accepted"], result["negative"], result["positive"], result["rejected"]) == (2, 1, 1, [])
    assert str(Tube.objects.get(code="POOL-B").ct) == "28.5"
    assert district.client(testing.sampler).get("/testing/lab/template.xlsx").status_code == 404


def test_a_positive_retest_and_a_negative_one_are_told_with_what_follows(district, testing, pools):
    results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-A", "positive")])
    first, second = Recall.objects.order_by("pk")[:2]
    recall_sample(actor=district.worker_a, recall_id=first.pk, tube_code="RT-NEG")
    recall_sample(actor=district.worker_a, recall_id=second.pk, tube_code="RT-POS")
    bag_seal(actor=testing.sampler, seal_code="SEAL-RT", tube_codes=["RT-NEG", "RT-POS"])
    bag_receive(actor=testing.lab, seal_code="SEAL-RT")
    r = district.client(testing.lab).post(
        "/testing/lab/", _rows(("RT-NEG", "negative", ""), ("RT-POS", "positive", ""))
    )
    result = r.context["result"]
    assert (result["released"], result["confirmed"], result["pools"]) == (1, ["RT-POS"], [])
    body = r.content.decode()
    assert 'data-code="case_confirmed" data-tube="RT-POS"' in body and 'data-code="released"' in body


def test_a_pool_where_nobody_holds_the_recall_post_says_so(district, testing, pools):
    from fangkong.registry.models import RoleAssignment

    RoleAssignment.objects.filter(user=district.worker_a).delete()
    r = district.client(testing.lab).post("/testing/lab/", _rows(("POOL-A", "positive", "")))
    assert r.context["result"]["pools"][0]["told"] == []
    assert 'data-code="nobody_told"' in r.content.decode()


def test_a_sheet_sent_again_from_the_same_page_is_recorded_once(district, testing, pools):
    lab = district.client(testing.lab)
    sheet = "管号,结果\r\nPOOL-A,阴性\r\n".encode()

    def send(batch: str):
        form = {"action": "upload", "batch_id": batch, "file": SimpleUploadedFile("r.csv", sheet)}
        return lab.post("/testing/lab/", form).context["result"]

    first = send("page-file-1")
    assert (first["accepted"], first["rejected"]) == (1, [])
    assert send("page-file-1") == first  # the page resent: its first outcome
    again = send("page-file-2")  # a new upload of the same sheet: refused row by row
    assert again["accepted"] == 0 and [(r["row"], r["code"]) for r in again["rejected"]] == [(2, "duplicate")]


def test_a_lab_cannot_record_results_on_another_labs_tubes(district, testing, pools):
    from fangkong.conftest import make_user
    from fangkong.registry.models import Unit

    d = district.d
    other_lab = Unit.objects.create(kind="lab", name="第二检测实验室", code="L2", jurisdiction=d, jpath=d.path)
    other = make_user("lab2", "lab_staff", unit=other_lab)
    # POOL-A was received by the first lab: to the second it is unknown, as a code nobody has — never "a result
    # already" or "not received", which would tell that it exists.
    out = results_ingest(actor=other, rows=[ResultRow(0, "POOL-A", "positive"), ResultRow(1, "NOSUCH", "positive")])
    assert out["accepted"] == 0
    assert [(r["field"], r["code"]) for r in out["rejected"]] == [("tube_code", "not_found")] * 2
    assert Tube.objects.get(code="POOL-A").result == ""
    assert not Recall.objects.exists()
    # Its own lab records it.
    assert results_ingest(actor=testing.lab, rows=[ResultRow(0, "POOL-A", "negative")])["accepted"] == 1
