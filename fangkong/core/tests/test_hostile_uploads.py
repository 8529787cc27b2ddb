"""Hostile files against every upload endpoint, API and page: each is refused with a 4xx and a stable code, and
the server is alive afterwards (the next normal upload works).

Before the bounds of core.tables, the first two workbooks below — 1.6 kB each — made python-calamine ask for
549 GB (a cell at XFD1048576: the process aborts, no exception to catch) and 2.7 GB (a cell at ZZ100000); an .xls
cell record at column 65,535 asked for 137 GB. A test here that fails before the fix takes the test process down
with it.
"""

from __future__ import annotations

import base64
import functools
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.conftest import make_id_number
from fangkong.core import clock, tables, uploads
from fangkong.core.errors import FieldError
from fangkong.core.tests import files
from fangkong.portal.tests.conftest import newsroom  # noqa: F401  (a fixture)
from fangkong.safety.tests.conftest import safety  # noqa: F401  (a fixture)

ROSTER_HEADER = "姓名,证件类型,证件号码,手机号,社区,网格,住址"


@functools.cache
def zip_bomb() -> bytes:
    return files.zip_bomb()  # 60 MB of blanks in 62 kB


def _table_files() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, content, the code it is refused with)."""
    repeated_row = f'<table:table-row table:number-rows-repeated="1000000">{files.ods_cell("x")}</table:table-row>'
    return {
        "cell at XFD1048576": ("far.xlsx", files.xlsx([("A1", "姓名"), ("XFD1048576", "x")]), "too_many_rows"),
        "cell at ZZ100000": ("zz.xlsx", files.xlsx([("A1", "姓名"), ("ZZ100000", "x")]), "too_many_columns"),
        "zip bomb": ("bomb.xlsx", zip_bomb(), "too_large"),
        "xls cell at column 65535": ("far.xls", files.xls([(0, 0, 1.0), (10, 65535, 2.0)]), "too_many_columns"),
        "ods row repeated a million times": (
            "rep.ods",
            files.ods(f"<table:table-row>{files.ods_cell('姓名')}</table:table-row>{repeated_row}"),
            "too_many_rows",
        ),
        "csv cell over 131072 characters": ("big.csv", f"姓名\r\n{'x' * 140_000}\r\n".encode(), "too_large"),
        "program renamed .xlsx": ("roster.xlsx", files.EXE, "unreadable"),
        "PNG renamed .pdf": ("roster.pdf", files.png(), "unsupported_type"),
        "text file named .png": ("roster.png", b"just some text\n", "unsupported_type"),
        "NUL and escape characters": ("r.csv", f"{ROSTER_HEADER}\r\n张\x00三,\x1b[2J\r\n".encode(), "unreadable"),
    }


def _text_files() -> dict[str, tuple[str, bytes, str]]:
    return {
        "program renamed .html": ("page.html", files.EXE, "unsupported_type"),
        "PNG renamed .txt": ("page.txt", files.png(), "unsupported_type"),
        "zip bomb renamed .html": ("page.html", zip_bomb(), "unsupported_type"),
        "NUL bytes": ("page.txt", "标题\n\n正文\x00内容。".encode(), "unsupported_type"),
        "over 2 MB": ("page.html", b"<p>x</p>" * 300_000, "too_large"),
    }


def _image_files() -> dict[str, tuple[str, bytes, str]]:
    return {
        "program renamed .jpg": ("photo.jpg", files.EXE, "unsupported_type"),
        "text file named .png": ("photo.png", b"\x1b[2J not an image\n", "unsupported_type"),
        "PNG renamed .pdf": ("photo.pdf", files.png(), "type_mismatch"),
        "PNG claiming 10 gigapixels": ("photo.png", files.png_bomb(), "too_large"),
        "truncated JPEG": ("photo.jpg", files.jpeg()[:40], "unreadable"),
        "PDF": ("photo.jpg", files.pdf(), "unsupported_type"),
    }


def _attachment_files() -> dict[str, tuple[str, bytes, str]]:
    return {
        "program renamed .pdf": ("report.pdf", files.EXE, "unsupported_type"),
        "PNG renamed .pdf": ("report.pdf", files.png(), "type_mismatch"),
        "text file named .png": ("photo.png", b"plain text\n", "unsupported_type"),
        "zip bomb named .xlsx": ("sheet.xlsx", zip_bomb(), "too_large"),
        "PNG claiming 10 gigapixels": ("photo.png", files.png_bomb(), "too_large"),
    }


def _api(client, token):
    def post(url, data):
        r = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en", **token)
        body = r.json()
        return r.status_code, body.get("code"), body

    return post


def _page(c):
    def post(url, data):
        r = c.post(url, data)
        match = re.search(rb'class="error"[^>]*data-code="([a-z_]+)"', r.content)
        return r.status_code, match.group(1).decode() if match else None, r

    return post


def _refused(post, url, field, hostile, extra=None):
    for case, (name, content, code) in hostile.items():
        status, got, reply = post(url, {field: SimpleUploadedFile(name, content), **(extra or {})})
        assert 400 <= status < 500 and got == code, (case, status, got, getattr(reply, "content", reply))
        if isinstance(reply, dict) and reply.get("errors"):
            assert reply["errors"][0]["field"] == field, (case, reply)


# ---------------------------------------------------------------- tables


def test_people_import_api_and_page(client, district, api_token, django_capture_on_commit_callbacks):
    from fangkong.registry.models import ImportJob, Person

    api, page = _api(client, api_token(district.worker_a)), _page(district.client(district.worker_a))
    _refused(api, "/api/v1/people/import", "file", _table_files())
    _refused(page, "/people/import/", "file", _table_files())
    assert not ImportJob.objects.exists()  # a refused file is never stored
    number = make_id_number("19850203")
    good = f"{ROSTER_HEADER}\r\n陈一,,{number},,园丁社区,,\r\n".encode()
    status, _code, body = api("/api/v1/people/import", {"file": SimpleUploadedFile("r.csv", good)})
    assert status == 200 and body["created"] == 1
    renamed = f"{ROSTER_HEADER}\r\n陈二,,{number},,园丁社区,,\r\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = district.client(district.worker_a).post("/people/import/", {"file": SimpleUploadedFile("r.csv", renamed)})
    assert r.status_code == 302 and ImportJob.objects.get().status == "done"
    assert list(Person.objects.filter(name__in=["陈一", "陈二"]).values_list("name", flat=True)) == ["陈二"]


def test_results_upload_api_and_page(client, district, api_token):
    api, page = _api(client, api_token(district.unit_staff)), _page(district.client(district.unit_staff))
    _refused(api, "/api/v1/testing/results:upload", "file", _table_files())
    _refused(page, "/testing/lab/", "file", _table_files())
    status, _code, body = api(
        "/api/v1/testing/results:upload", {"file": SimpleUploadedFile("r.csv", "管号,结果\r\nT1,阴性\r\n".encode())}
    )
    assert status == 200 and body["accepted"] == 0 and body["rejected"][0]["row"] == 2  # an unknown tube


def test_risk_area_import_api_and_page(client, district, api_token):
    api, page = _api(client, api_token(district.hq)), _page(district.client(district.hq))
    _refused(api, "/api/v1/risk-areas/import", "file", _table_files())
    _refused(page, "/screening/risk-areas/", "file", _table_files())
    good = "地区,风险等级\r\n上海市浦东新区,高风险\r\n".encode()
    status, _code, body = api("/api/v1/risk-areas/import", {"file": SimpleUploadedFile("areas.csv", good)})
    assert status == 200 and body["created"] == 1


def test_checklist_import_api(client, district, safety, api_token):  # noqa: F811
    api = _api(client, api_token(safety["regulator"]))
    url = "/api/v1/safety/checklists/district-rules:import"
    _refused(api, url, "file", _table_files(), {"name": "区规定"})
    good = "编号,内容\r\n1,消防通道畅通\r\n".encode()
    status, _code, body = api(url, {"name": "区规定", "file": SimpleUploadedFile("rules.csv", good)})
    assert status == 201 and body["items"] == 1


# ---------------------------------------------------------------- legacy pages (HTML, text)


def test_article_import_api_and_page(client, district, newsroom, api_token):  # noqa: F811
    from fangkong.portal.content_models import Article

    api, page = _api(client, api_token(newsroom["editor"])), _page(district.client(newsroom["editor"]))
    _refused(api, "/api/v1/portal/articles:import", "file", _text_files())
    _refused(page, "/news/manage/import/", "file", _text_files())
    assert not Article.objects.exists()
    # Control characters other than NUL go, as from any typed input; the page is imported.
    text = "当前位置：首页 > 通知公告\n关于做好防控工作的通知\x1b[31m\n各社区：\x07请做好防控工作。\n"
    status, _code, body = api("/api/v1/portal/articles:import", {"file": SimpleUploadedFile("p.txt", text.encode())})
    assert status == 201, body
    stored = Article.objects.get().versions.get()
    assert "\x1b" not in stored.title + stored.body_html and "\x07" not in stored.body_html


# ---------------------------------------------------------------- photos, attachments, the signature


@pytest.fixture
def hazard(safety):  # noqa: F811
    from fangkong.safety.hazards import hazard_create

    return hazard_create(
        actor=safety["regulator"],
        enterprise_id=safety["plant"].pk,
        grade="general",
        description="消防通道堵塞",
        deadline=clock.now() + timedelta(days=7),
    )


@pytest.fixture
def inspection(safety):  # noqa: F811
    from fangkong.safety.checklists import ensure_checklist
    from fangkong.safety.inspections import inspection_start

    return inspection_start(
        actor=safety["regulator"], enterprise_id=safety["plant"].pk, checklist_id=ensure_checklist("fire-safety").pk
    )


STORED = re.compile(r"^[a-z-]+/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|pdf|xlsx|xls|docx|doc)$")


def test_hazard_photos_api(client, district, safety, hazard, api_token):  # noqa: F811
    from fangkong.safety.models import HazardStep

    api = _api(client, api_token(safety["regulator"]))
    url = f"/api/v1/safety/hazards/{hazard.pk}/photos"
    _refused(api, url, "photo", _image_files(), {"stage": "before"})
    assert not HazardStep.objects.exclude(photo="").exists()
    status, _code, body = api(url, {"stage": "before", "photo": SimpleUploadedFile("../../x.php", files.jpeg())})
    assert status == 201, body
    stored = HazardStep.objects.exclude(photo="").get().photo.name
    assert STORED.match(stored) and stored.endswith(".jpg"), stored  # our name, the sniffed type's extension


def test_inspection_photos_api_and_page(client, district, safety, inspection, api_token):  # noqa: F811
    from fangkong.safety.models import InspectionResult

    item = inspection.checklist.items.first()
    api = _api(client, api_token(safety["regulator"]))
    url = f"/api/v1/safety/inspections/{inspection.pk}/results"
    _refused(api, url, "photo", _image_files(), {"item_id": item.pk, "passed": "false", "note": "未落实"})
    page = _page(district.client(safety["regulator"]))
    _refused(
        page,
        f"/safety/inspections/{inspection.pk}/",
        f"photo-{item.pk}",
        _image_files(),
        {f"item-{item.pk}": "fail", f"note-{item.pk}": "未落实"},
    )
    assert not InspectionResult.objects.exists()  # a refused photo records nothing of the item
    status, _code, body = api(
        url,
        {"item_id": item.pk, "passed": "false", "note": "未落实", "photo": SimpleUploadedFile("p.png", files.png())},
    )
    assert status == 200, body
    assert STORED.match(InspectionResult.objects.get().photo.name)


def test_inspection_signature_api(client, district, safety, inspection, api_token):  # noqa: F811
    api = _api(client, api_token(safety["regulator"]))
    url = f"/api/v1/safety/inspections/{inspection.pk}/sign"
    hostile = {
        "text file named .png": ("s.png", b"\x1b[2J not an image\n", "unsupported_type"),
        "program renamed .png": ("s.png", files.EXE, "unsupported_type"),
        "PNG claiming 10 gigapixels": ("s.png", files.png_bomb(), "too_large"),
        "truncated PNG": ("s.png", files.png((300, 120))[:60], "unreadable"),
        "over 300 kB": ("s.png", b"\x89PNG\r\n\x1a\n" * 40_000, "too_large"),
    }
    _refused(api, url, "signature", hostile)
    status, _code, body = api(f"/api/v1/safety/inspections/{inspection.pk}/results", {"item_id": 0, "passed": "true"})
    assert status == 400 and body["errors"][0]["field"] == "item_id"  # alive, and answering as before
    # The page sends the drawn pad as a data URL.
    page = district.client(safety["regulator"])
    for value, code in (
        ("data:image/png;base64," + base64.b64encode(b"\x1b[2J not an image").decode(), "unsupported_type"),
        ("data:image/png;base64," + base64.b64encode(files.png_bomb()).decode(), "too_large"),
        ("data:image/png;base64,not base64!", "unreadable"),
        ("data:text/html;base64,PHNjcmlwdD4=", "unsupported_type"),
        ("data:image/png;base64," + "A" * 500_000, "too_large"),
    ):
        r = page.post(f"/safety/inspections/{inspection.pk}/", {"action": "sign", "signature": value})
        assert r.status_code == 400 and f'data-code="{code}"' in r.content.decode(), (code, r.content[-2000:])
    assert page.get(f"/safety/inspections/{inspection.pk}/").status_code == 200


def test_task_attachments_api_and_page(client, district, api_token):
    from fangkong.command.directives import directive_issue
    from fangkong.command.models import TaskUpdate

    task = directive_issue(
        actor=district.hq, title="消杀公共区域", deadline=clock.now() + timedelta(days=1), recipients=[district.s1.pk]
    ).tasks.get()
    api = _api(client, api_token(district.street1))
    _refused(api, f"/api/v1/tasks/{task.pk}/updates", "attachment", _attachment_files(), {"text": "已完成一半"})
    page = _page(district.client(district.street1))
    _refused(
        page, f"/command/tasks/{task.pk}/", "attachment", _attachment_files(), {"action": "report", "text": "已完成"}
    )
    assert not TaskUpdate.objects.exists()
    for name, content, ext in (("报告.pdf", files.pdf(), "pdf"), ("现场.jpg", files.jpeg(), "jpg")):
        status, _code, body = api(
            f"/api/v1/tasks/{task.pk}/updates", {"text": "进展", "attachment": SimpleUploadedFile(name, content)}
        )
        assert status == 201 and body["attachment"] is True
        stored = TaskUpdate.objects.latest("pk").attachment.name
        assert STORED.match(stored) and stored.endswith(f".{ext}"), stored


# ---------------------------------------------------------------- limits while a file arrives


def test_an_upload_past_the_limit_is_not_kept_and_refused(client, district, api_token, settings):
    settings.FANGKONG = {**settings.FANGKONG, "UPLOAD_MAX_BYTES": 64 * 1024}
    api = _api(client, api_token(district.worker_a))
    big = f"{ROSTER_HEADER}\r\n".encode() + b"x" * 200_000
    status, code, body = api("/api/v1/people/import", {"file": SimpleUploadedFile("r.csv", big)})
    assert status == 400 and code == "too_large" and body["errors"][0]["field"] == "file"


def test_upload_handler_keeps_nothing_past_the_limit(settings):
    from django.http import HttpRequest

    settings.FANGKONG = {**settings.FANGKONG, "UPLOAD_MAX_BYTES": 100, "UPLOAD_MAX_REQUEST_BYTES": 250}
    handler = uploads.UploadLimitHandler(HttpRequest())
    handler.new_file("file", "a.csv", "text/csv", None)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    assert handler.file_complete(60) is None  # within the limit: Django's own handlers keep it
    handler.new_file("file", "b.csv", "text/csv", None)
    assert handler.receive_data_chunk(b"x" * 60, 0) is not None
    assert handler.receive_data_chunk(b"x" * 60, 60) is None  # past 100 bytes: nothing more is passed on
    oversized = handler.file_complete(120)
    assert oversized.size == 120 and oversized.read() == b""
    with pytest.raises(FieldError) as refused:
        uploads.read_upload(oversized, max_bytes=10_000)
    assert (refused.value.field, refused.value.code) == ("file", "too_large")
    handler.new_file("file", "c.csv", "text/csv", None)
    assert handler.receive_data_chunk(b"x" * 80, 0) is None  # the request's files passed 250 bytes together


# ---------------------------------------------------------------- what the table check reads


def _code(name: str, content: bytes) -> str | None:
    try:
        tables.table_check(name, content)
    except FieldError as exc:
        return exc.code
    return None


def test_used_range_found_however_the_sheet_hides_it():
    header = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'

    def sheet(data: str) -> bytes:
        return files.xlsx([], sheet_xml=f"{header}<sheetData>{data}</sheetData></worksheet>")

    # The <dimension> tag lies in both directions: it is not what is read.
    assert _code("a.xlsx", files.xlsx([("A1", "姓名"), ("B2", "x")], dimension="A1:XFD1048576")) is None
    assert _code("a.xlsx", files.xlsx([("A1", "姓名"), ("C400000", "x")], dimension="A1:A1")) == "too_many_rows"
    # Cells without r: placed one after the other by the reader, 300 of them make 300 columns.
    assert _code("a.xlsx", sheet("<row>" + "<c><v>1</v></c>" * 300 + "</row>")) == "too_many_columns"
    assert _code("a.xlsx", sheet('<row r="400000"><c><v>1</v></c></row>')) == "too_many_rows"
    # The r attribute later in the tag, single quotes, a prefix on the element: still found.
    assert _code("a.xlsx", sheet("<row><c s='1' r='ZZ9'><v>1</v></c></row>")) == "too_many_columns"
    prefixed = f"{header.replace('<worksheet xmlns', '<x:worksheet xmlns:x')}<x:sheetData><x:row>"
    prefixed += "<x:c><x:v>1</x:v></x:c>" * 300 + "</x:row></x:sheetData></x:worksheet>"
    assert _code("a.xlsx", files.xlsx([], sheet_xml=prefixed)) == "too_many_columns"
    # A "<" inside an attribute value: no well-formed sheet has one.
    assert _code("a.xlsx", sheet('<row><c s="<"><v>1</v></c></row>')) == "unreadable"
    # "dir=" in a drawing is not a cell reference.
    assert _code("a.xlsx", sheet('<row r="1"><c r="A1" dir="5400000"><v>1</v></c></row>')) is None


def test_limits_come_from_the_settings(settings):
    settings.FANGKONG = {
        **settings.FANGKONG,
        "TABLE_MAX_ROWS": 10,
        "TABLE_MAX_COLUMNS": 5,
        "TABLE_MAX_CELLS": 30,
        "TABLE_MAX_BYTES": 20_000,
        "TABLE_MAX_UNPACKED_BYTES": 4000,
    }
    rows = "\r\n".join(["a,b"] * 11).encode()
    assert _code("r.csv", rows) == "too_many_rows"
    assert _code("r.csv", b"a,b,c,d,e,f\r\n") == "too_many_columns"
    assert _code("r.csv", b"x" * 20_001) == "too_large"
    assert _code("a.xlsx", files.xlsx([("A1", "x"), ("E9", "y")])) == "too_large"  # 9 × 5 cells > 30
    assert _code("a.xlsx", files.xlsx([("A1", "x" * 5000)])) == "too_large"  # unpacks past 4000 bytes
    assert _code("a.xls", files.xls([(0, 0, 1.0), (10, 0, 2.0)])) == "too_many_rows"
    assert _code("a.xlsx", files.xlsx([("A1", "x"), ("B3", "y")])) is None


def test_readable_tables_still_read():
    from fangkong.core.tables import TableSpec, open_table

    spec = TableSpec({"a": {"a"}, "b": {"b"}}, required=("a",))
    sheet = open_table(spec, "a.xlsx", files.xlsx([("A1", "a"), ("B1", "b"), ("A2", "1"), ("B2", "_x001B_二")]))
    assert [sheet.values(r) for _, r in sheet.rows] == [{"a": "1", "b": "二"}]  # control characters go
    xls = open_table(TableSpec({"a": {"1.0"}}, required=("a",)), "a.xls", files.xls([(0, 0, 1.0), (1, 0, 7.0)]))
    assert [xls.values(r) for _, r in xls.rows] == [{"a": "7"}]
    ods = open_table(
        TableSpec({"a": {"a"}}, required=("a",)),
        "a.ods",
        files.ods(
            f"<table:table-row>{files.ods_cell('a')}</table:table-row>"
            f"<table:table-row>{files.ods_cell('b')}</table:table-row>"
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row>'  # LibreOffice's empty rest of the sheet
        ),
    )
    assert [ods.values(r) for _, r in ods.rows] == [{"a": "b"}]


def test_zip_tricks_are_refused():
    good = files.xlsx([("A1", "x")])
    assert _code("a.xlsx", good + b"trailing") == "unreadable"  # data after the archive
    commented = good[:-2] + b"\x04\x00PK\x05\x06"  # a comment that looks like another end record
    assert _code("a.xlsx", commented) == "unreadable"
    assert _code("a.xlsx", good[: len(good) // 2]) == "unreadable"  # truncated
    word = files.xlsx([("A1", "x")]).replace(b"xl/workbook.xml", b"xl/workbooq.xml")
    assert _code("a.xlsx", word) == "unreadable"  # a zip, but no workbook in it


def test_truncated_images_are_refused_even_after_weasyprint_loosened_pillow(client, safety, inspection, api_token):  # noqa: F811
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported (any PDF export): the checks
    must not rely on decoding to find a truncated file."""
    import weasyprint  # noqa: F401  (what a PDF export in the same worker does)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    api = _api(client, api_token(safety["regulator"]))
    truncated = {"truncated PNG": ("s.png", files.png((300, 120))[:60], "unreadable")}
    _refused(api, f"/api/v1/safety/inspections/{inspection.pk}/sign", "signature", truncated)
