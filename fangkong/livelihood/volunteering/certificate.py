"""The volunteer's certificate (志愿服务证明): their hours and shifts, as a PDF their community issues and the
volunteer downloads from /me/. WeasyPrint; Chinese needs a CJK font on the server (Debian's fonts-noto-cjk)."""

from __future__ import annotations

from django.template.loader import render_to_string

from fangkong.core import clock
from fangkong.registry.models import Jurisdiction

from ..models import Shift, Volunteer
from .reading import ledger_of


def certificate_context(volunteer: Volunteer) -> dict:
    ledger = ledger_of(volunteer)
    tasks: dict[str, float] = {}
    for shift in Shift.objects.filter(volunteer=volunteer, cancelled_at__isnull=True, checked_out_at__isnull=False):
        label = str(shift.get_task_display())
        tasks[label] = round(tasks.get(label, 0) + shift.worked.total_seconds() / 3600, 1)
    community = Jurisdiction.objects.filter(path=volunteer.jpath).first()
    return {
        "volunteer": volunteer,
        "ledger": ledger,
        "tasks": sorted(tasks.items(), key=lambda kv: -kv[1]),
        "community": community,
        "issued": clock.localdate(),
    }


def certificate_pdf(volunteer: Volunteer) -> bytes:
    """The certificate as PDF bytes (OSError when the server lacks Pango: the caller says so)."""
    from weasyprint import HTML

    html = render_to_string("livelihood/volunteer_certificate.html", certificate_context(volunteer))
    return HTML(string=html).write_pdf()
