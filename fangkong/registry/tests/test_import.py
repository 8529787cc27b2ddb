from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import make_id_number, make_person
from fangkong.core import pii
from fangkong.core.errors import FieldError
from fangkong.core.models import AuditEvent
from fangkong.registry.importing import people_import
from fangkong.registry.models import ImportJob, Person

HEADER = ["姓名", "证件类型", "证件号码", "手机号", "社区", "网格", "住址"]


def xlsx(rows: list[list], header: list = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str, bom: bool = False, header: list = HEADER) -> bytes:
    text = "\r\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


@pytest.fixture
def good_rows(district):
    return [
        ["陈一", "居民身份证", make_id_number("19850203"), "13800000001", "园丁社区", "第一网格", "园丁小区1号楼"],
        ["陈二", "", make_id_number("19900405").lower(), "138 0000 0002", "211103001001", "", ""],
        ["Smith John", "护照", "E1234567", "", "园丁社区", "第二网格", ""],
    ]


def test_good_xlsx_creates_everyone(district, good_rows):
    result = people_import(actor=district.worker_a, filename="roster.xlsx", content=xlsx(good_rows))
    assert (result.created, result.updated, result.unchanged, result.rejected) == (3, 0, 0, [])
    chen = Person.objects.get(name="陈一")
    assert chen.jurisdiction == district.a1 and chen.community == district.a
    assert chen.birth_date.isoformat() == "1985-02-03"
    assert pii.decrypt(chen.phone_cipher) == "13800000001"
    assert Person.objects.get(name="陈二").jurisdiction == district.a  # no grid: the community
    assert Person.objects.get(name="Smith John").doc_type == "passport"
    created_events = AuditEvent.objects.filter(action="person.import.create")
    assert created_events.count() == 3
    assert {e.object_id for e in created_events} == {
        str(p.pk) for p in Person.objects.exclude(pk=district.person_a.pk).exclude(pk=district.person_b.pk)
    }
    # The trail names the fields with masked values only.
    trail = str(list(created_events.values_list("fields", flat=True)))
    assert "13800000001" not in trail and "138****0001" in trail
    assert good_rows[0][2] not in trail
    summary = AuditEvent.objects.get(action="people.import")
    assert summary.fields["created"] == 3


def test_reimporting_the_same_file_changes_nothing(district, good_rows):
    content = xlsx(good_rows)
    people_import(actor=district.worker_a, filename="roster.xlsx", content=content)
    again = people_import(actor=district.worker_a, filename="roster.xlsx", content=content)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, [])
    assert Person.objects.filter(community=district.a).count() == 4


def test_changed_rows_update(district, good_rows):
    people_import(actor=district.worker_a, filename="roster.xlsx", content=xlsx(good_rows))
    good_rows[0][0] = "陈一一"
    good_rows[1][3] = "13900000009"
    result = people_import(actor=district.worker_a, filename="roster.xlsx", content=xlsx(good_rows))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Person.objects.filter(name="陈一一").exists()
    event = AuditEvent.objects.filter(action="person.import.update").first()
    assert "13900000009" not in str(event.fields)


def test_bad_rows_are_reported_by_row_and_field_and_good_rows_written(district):
    rows = [
        ["好人", "", make_id_number(), "", "园丁社区", "", ""],  # row 2: fine
        ["", "", make_id_number(), "", "园丁社区", "", ""],  # row 3: no name
        ["坏号", "", "110105194912310021", "", "园丁社区", "", ""],  # row 4: checksum
        ["外人", "", make_id_number(), "", "胜利社区", "", ""],  # row 5: community B is not worker A's
        ["无社区", "", make_id_number(), "", "不存在社区", "", ""],  # row 6
        ["错网格", "", make_id_number(), "", "园丁社区", "第九网格", ""],  # row 7
        ["坏电话", "", make_id_number(), "12345", "园丁社区", "", ""],  # row 8
        ["驾照", "驾驶证", "123456", "", "园丁社区", "", ""],  # row 9
    ]
    result = people_import(actor=district.worker_a, filename="r.xlsx", content=xlsx(rows))
    assert result.created == 1
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [
        (3, "name", "required"),
        (4, "document_number", "invalid"),
        (5, "community", "not_found"),  # outside the importer's jurisdiction reads as unknown
        (6, "community", "not_found"),
        (7, "grid", "not_found"),
        (8, "phone", "invalid"),
        (9, "document_type", "unknown_choice"),
    ]
    assert all(r["message"] for r in result.rejected)


def test_a_community_name_two_communities_share_is_ambiguous(district):
    from fangkong.conftest import make_jurisdiction

    make_jurisdiction("002", "园丁社区", "community", district.s2)
    rows = [
        ["同名", "", make_id_number(), "", "园丁社区", "", ""],
        ["代码", "", make_id_number(), "", district.a.code, "", ""],
    ]
    result = people_import(actor=district.hq, filename="r.xlsx", content=xlsx(rows))
    assert result.created == 1
    assert [(r["row"], r["field"], r["code"]) for r in result.rejected] == [(2, "community", "ambiguous")]


def test_rows_repeated_in_one_file_count_once(district):
    number = make_id_number()
    rows = [
        ["重复", "", number, "", "园丁社区", "", ""],
        ["重复", "", number, "", "园丁社区", "", ""],
        ["别名", "", number, "", "园丁社区", "", ""],
    ]
    result = people_import(actor=district.worker_a, filename="r.xlsx", content=xlsx(rows))
    assert result.created == 1
    assert result.rejected == [
        {
            "row": 4,
            "field": "document_number",
            "message": "The same document number is on row 2 with different data.",
            "code": "duplicate",
        }
    ]


def test_person_registered_elsewhere_is_not_taken_over(district):
    number = pii.decrypt(district.person_b.doc_cipher)
    result = people_import(
        actor=district.worker_a, filename="r.xlsx", content=xlsx([["王五", "", number, "", "园丁社区", "", ""]])
    )
    assert result.created == 0 and result.rejected[0]["row"] == 2
    # Neither "registered elsewhere" nor where: recorded for the holding jurisdiction to decide.
    assert result.rejected[0]["code"] == "pending" and "another jurisdiction" not in result.rejected[0]["message"]
    district.person_b.refresh_from_db()
    assert district.person_b.community == district.b
    assert AuditEvent.objects.filter(action="person.transfer_request", object_id=str(district.person_b.pk)).exists()


def test_excel_number_cells(district):
    number = next(n for n in iter(make_id_number, None) if n[-1] != "X")  # a number Excel could hold as a number
    rows = [
        ["数字", "", float(number), "", "园丁社区", "", ""],
        ["电话数字", "", make_id_number(), 13800000003, "园丁社区", "", ""],
    ]
    result = people_import(actor=district.worker_a, filename="r.xlsx", content=xlsx(rows))
    assert result.created == 1
    assert result.rejected[0]["row"] == 2 and "text" in result.rejected[0]["message"]


def test_csv_utf8_with_bom(district, good_rows):
    result = people_import(actor=district.worker_a, filename="r.csv", content=csv_bytes(good_rows, "utf-8", bom=True))
    assert result.created == 3 and not result.rejected


def test_csv_gbk_with_english_header(district, good_rows):
    header = ["name", "document_type", "document_number", "phone", "community", "grid", "address"]
    content = csv_bytes(good_rows, "gbk", header=header)
    result = people_import(actor=district.worker_a, filename="r.csv", content=content)
    assert result.created == 3 and not result.rejected
    assert Person.objects.filter(name="陈一").exists()


def test_missing_column_names_the_column(district):
    with pytest.raises(FieldError) as exc:
        people_import(
            actor=district.worker_a, filename="r.csv", content=csv_bytes([], "utf-8", header=["姓名", "社区"])
        )
    assert (exc.value.field, exc.value.code, exc.value.row) == ("document_number", "missing_column", 1)


def test_api_import_reply_shape_and_idempotency_key(district, client, api_token, good_rows):
    h = api_token(district.worker_a)
    rows = [*good_rows, ["", "", make_id_number(), "", "园丁社区", "", ""]]
    content = xlsx(rows)  # once: a workbook carries the second it was made, and a retry sends the same bytes
    upload = SimpleUploadedFile("roster.xlsx", content)
    r = client.post(
        "/api/v1/people/import", {"file": upload}, HTTP_IDEMPOTENCY_KEY="batch-1", HTTP_ACCEPT_LANGUAGE="en", **h
    )
    assert r.status_code == 200
    assert r.json() == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": [{"row": 5, "field": "name", "message": "The name is required.", "code": "required"}],
    }
    # A retry with the same key replays the first reply (not "unchanged: 3").
    r2 = client.post(
        "/api/v1/people/import",
        {"file": SimpleUploadedFile("roster.xlsx", content)},
        HTTP_IDEMPOTENCY_KEY="batch-1",
        **h,
    )
    assert r2.json() == r.json()
    assert AuditEvent.objects.filter(action="people.import").count() == 1


def test_api_messages_follow_accept_language(district, client, api_token):
    upload = SimpleUploadedFile("roster.xlsx", xlsx([["", "", make_id_number(), "", "园丁社区", "", ""]]))
    r = client.post(
        "/api/v1/people/import", {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-CN", **api_token(district.worker_a)
    )
    assert r.json()["rejected"][0]["message"] == "姓名必填。"


def test_api_import_refused_for_unit_roles(district, client, api_token):
    upload = SimpleUploadedFile("roster.xlsx", xlsx([]))
    r = client.post("/api/v1/people/import", {"file": upload}, **api_token(district.unit_staff))
    assert r.status_code == 403


def test_api_import_bad_file_names_the_field(district, client, api_token):
    r = client.post(
        "/api/v1/people/import",
        {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken")},
        **api_token(district.worker_a),
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"


def test_import_page_runs_job_and_reports(district, good_rows, django_capture_on_commit_callbacks):
    c = district.client(district.worker_a)
    rows = [*good_rows, ["", "", make_id_number(), "", "园丁社区", "", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/people/import/", {"file": SimpleUploadedFile("roster.xlsx", xlsx(rows))})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "done" and job.content == b""  # the uploaded file is not kept
    page = c.get(r["Location"]).content.decode()
    assert "3 created" in page and "The name is required." in page
    report = c.get(f"/people/import/{job.pk}/rejected.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True))[1] == (5, "姓名 name", "The name is required.")
    # Another user cannot see the job or its report.
    outsider = district.client(district.worker_b)
    assert outsider.get(r["Location"]).status_code == 404
    assert outsider.get(f"/people/import/{job.pk}/rejected.xlsx").status_code == 404


def test_import_page_progress_partial(district, django_capture_on_commit_callbacks):
    c = district.client(district.worker_a)
    with django_capture_on_commit_callbacks(execute=False):
        r = c.post("/people/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([]))})
    job = ImportJob.objects.get()
    partial = c.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in partial and 'hx-trigger="every 1s"' in partial
    assert job.status == "pending"


def test_template_download(district):
    r = district.client(district.worker_a).get("/people/import/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert next(iter(sheet.iter_rows(values_only=True))) == (*HEADER, "小区", "楼栋", "户")


def test_existing_person_moves_grid_within_scope(district):
    p = make_person(district.a, district.a1, name="搬家")
    number = pii.decrypt(p.doc_cipher)
    result = people_import(
        actor=district.worker_a, filename="r.xlsx", content=xlsx([["搬家", "", number, "", "园丁社区", "第二网格", ""]])
    )
    assert result.updated == 1
    p.refresh_from_db()
    assert p.jurisdiction == district.a2 and p.jpath == district.a2.path
