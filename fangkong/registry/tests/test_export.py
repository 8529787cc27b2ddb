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
