"""People lists to .xlsx — masked, as everywhere. An export is a disclosure: it is audited with its filter."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.xlsx import workbook_bytes

from .roster import TEMPLATE_HEADER, field_label
from .selectors import people_list

EXPORT_LIMIT = 200_000


def people_export_xlsx(*, actor, jurisdiction_id: int | None = None, text: str = "", tag: str = "") -> bytes:
    if not has_cap(actor, Cap.PEOPLE_EXPORT):
        raise Forbidden(Cap.PEOPLE_EXPORT)
    qs = people_list(user=actor, jurisdiction_id=jurisdiction_id, text=text, tag=tag)
    header = [
        _("Name"),
        _("Document type"),
        _("Document number"),
        _("Phone"),
        _("Sex"),
        _("Birth date"),
        _("Community"),
        _("Grid"),
        _("Address"),
    ]
    count = 0

    def rows():
        nonlocal count
        for p in qs.iterator(chunk_size=2000):
            grid = p.jurisdiction.name if p.community_id and p.jurisdiction_id != p.community_id else ""
            yield [
                p.name,
                p.get_doc_type_display(),
                p.document_masked,
                p.phone_masked,
                p.get_sex_display(),
                p.birth_date,
                p.community.name if p.community else "",
                grid,
                p.address,
            ]
            count += 1
            if count >= EXPORT_LIMIT:
                break

    content = workbook_bytes(_("People"), header, rows())
    audit_record(
        actor=actor,
        action="people.export",
        object_type="registry.person",
        fields={"jurisdiction": jurisdiction_id, "text": "…" if text else "", "tag": tag, "rows": count},
    )
    return content


def rejections_xlsx(rejected: list[dict]) -> bytes:
    return workbook_bytes(
        _("Rejected rows"),
        [_("Row"), _("Field"), _("Reason")],
        ([r.get("row"), field_label(r.get("field", "")), r.get("message")] for r in rejected),
    )


def roster_template_xlsx() -> bytes:
    return workbook_bytes(_("Roster"), TEMPLATE_HEADER, [])
