"""What every screening page shares: the audited xlsx export."""

from __future__ import annotations

from fangkong.core.audit import audit_record
from fangkong.core.xlsx import workbook_bytes, xlsx_response


def _export(request, action: str, filename: str, title: str, header, rows):
    content = workbook_bytes(title, header, rows)
    audit_record(
        actor=request.user,
        action=action,
        object_type="export",
        object_repr=str(title),  # what was exported, in words (the file's name is for the disk)
        fields={"filters": request.GET.urlencode()[:300]},
    )
    return xlsx_response(filename, content)
