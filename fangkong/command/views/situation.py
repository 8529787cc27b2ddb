"""The daily situation report: compiled, sections approved, published, exported."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.core.xlsx import xlsx_response


@scoped
def situation_list(request):
    from ..models import SituationReport
    from ..situation import SituationCompileInput, situation_compile

    if not has_cap(request.user, Cap.TASK_OVERSEE):
        raise Forbidden(Cap.TASK_OVERSEE)
    if request.method == "POST":
        try:
            data = SituationCompileInput.from_form(request.POST)  # today's, unless the form names a day
            report = situation_compile(actor=request.user, **data.dict())
            return redirect("command:situation", report.pk)
        except Forbidden:
            messages.error(request, _("Only district HQ compiles the daily report."))
        except FieldError as exc:
            messages.error(request, exc.message)
    from ..situation import numbers

    reports = list(SituationReport.objects.order_by("-day")[:60])
    issues = numbers(reports)
    return render(
        request,
        "command/situations.html",
        {
            "rows": [(r, issues.get(r.pk)) for r in reports],
            "can_compile": has_cap(request.user, Cap.SITUATION_APPROVE),
        },
    )


@scoped
def situation_detail(request, report_id: int):
    from .. import situation

    report = situation.report_get(user=request.user, report_id=report_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "write":
                words = situation.SectionWriteInput.from_form(request.POST)
                situation.section_write(
                    actor=request.user, section_id=param_id(request.POST, "section") or 0, **words.dict()
                )
            elif action == "approve":
                situation.section_approve(actor=request.user, section_id=param_id(request.POST, "section") or 0)
            elif action == "recompile":
                situation.situation_compile(actor=request.user, day=report.day)
            elif action == "publish":
                situation.situation_publish(actor=request.user, report_id=report.pk)
            messages.success(request, _("Saved."))
        except Forbidden:
            messages.error(request, _("Only district HQ approves and publishes."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("command:situation", report.pk)
    sections = report.sections.select_related("approved_by", "written_by").prefetch_related("versions__written_by")
    return render(
        request,
        "command/situation.html",
        {
            "report": report,
            "head": situation.heading(report),
            # (一、, the section, what it says in the reader's language)
            "sections": [(situation.ordinal(n), s, situation.show(s)) for n, s in enumerate(sections, start=1)],
            "controller": has_cap(request.user, Cap.SITUATION_APPROVE),
        },
    )


@scoped
def situation_export(request, report_id: int, fmt: str):
    from django.http import HttpResponse

    from .. import situation

    report = situation.report_get(user=request.user, report_id=report_id)
    name = f"situation-{report.day.isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", situation.as_xlsx(report))
    else:
        try:
            pdf = situation.as_pdf(report)
        except OSError:  # WeasyPrint's system libraries (Pango) are missing on this server
            return HttpResponse(_("PDF export needs Pango on the server (apt-get install libpango-1.0-0)."), status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
