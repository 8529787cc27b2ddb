"""Discipline pages: requests to pass unregistered, travel reports and their decisions, violations."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.paging import page_of
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry.selectors import narrowed

from .. import selectors, travel
from ..models import Violation
from ._shared import _export

# ---------------------------------------------------------------- discipline, travel, violations


@scoped
def pass_request_list(request):
    if not has_cap(request.user, Cap.DISCIPLINE_VIEW) and not has_cap(request.user, Cap.CHECKPOINT_WORK):
        raise Forbidden(Cap.DISCIPLINE_VIEW)
    qs = selectors.pass_requests_visible(user=request.user)
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "pass_requests.export",
            "pass-requests.xlsx",
            _("Requests to pass"),
            [
                pgettext("export column", "Time"),
                pgettext("export column", "Checkpoint"),
                pgettext("export column", "Who asked"),
                pgettext("export column", "Unit"),
                pgettext("export column", "Post"),
                pgettext("export column", "Vehicle plate"),
                pgettext("export column", "Outcome"),
                pgettext("export column", "Note"),
            ],
            (
                (
                    r.at,
                    r.checkpoint.name,
                    r.requester_name,
                    r.requester_unit_name,
                    r.requester_post,
                    r.plate,
                    r.get_outcome_display(),
                    r.note,
                )
                for r in qs
            ),
        )
    by_unit = selectors.pass_request_counts(qs)
    page, query = page_of(request, qs)
    return render(request, "screening/pass_requests.html", {"page": page, "query": query, "by_unit": by_unit})


@scoped
def travel_list(request):
    if not (has_cap(request.user, Cap.TRAVEL_REPORT) or has_cap(request.user, Cap.TRAVEL_APPROVE)):
        raise Forbidden(Cap.TRAVEL_REPORT)
    error = None
    if request.method == "POST":
        try:
            data = travel.TravelReportFileInput.from_form(request.POST)
            person = travel.person_for_report(
                actor=request.user,
                person_id=data.person,
                document_type=data.document_type,
                document_number=data.document_number,
            )
            travel.travel_report_file(actor=request.user, person=person, **data.trip())
            return redirect("screening:travel")
        except NotFound:
            error = FieldError(
                "document_number", _("No one you answer for has this document number."), code=Code.NOT_FOUND
            )
        except FieldError as exc:
            error = exc
    qs = selectors.travel_reports_visible(user=request.user)
    if request.GET.get("approval"):
        qs = qs.filter(approval=request.GET["approval"])
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "travel_reports.export",
            "travel-reports.xlsx",
            _("Trip reports"),
            [
                pgettext("export column", "Name"),
                pgettext("export column", "Document number"),
                pgettext("export column", "Destination"),
                pgettext("export column", "Leaves"),
                pgettext("export column", "Returns"),
                pgettext("export column", "Reason"),
                pgettext("export column", "Transport"),
                pgettext("export column", "Approval"),
                pgettext("export column", "Community acknowledged"),
                pgettext("export column", "Unit acknowledged"),
            ],
            (
                (
                    r.person.name,
                    r.person.document_masked,
                    r.destination,
                    r.depart_on,
                    r.return_on,
                    r.reason,
                    r.transport,
                    r.get_approval_display(),
                    bool(r.community_ack_at),
                    bool(r.employer_ack_at),
                )
                for r in qs
            ),
        )
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/travel_list.html",
        {
            "page": page,
            "query": query,
            "error": error,
            "form": request.POST if error else {},
            "can_approve": has_cap(request.user, Cap.TRAVEL_APPROVE),
            "today": clock.localdate(),
            "tomorrow": clock.localdate() + timedelta(days=1),
        },
        status=400 if error else 200,
    )


@require_POST
@scoped
def travel_action(request, report_id: int, action: str):
    try:
        if action == "acknowledge":
            travel.travel_report_acknowledge(actor=request.user, report_id=report_id)
        elif action in ("approve", "reject"):
            # The decision is the address's (…/approve, …/reject); the API's body carries it as `approve`.
            form = request.POST.copy()
            form["approve"] = "1" if action == "approve" else ""
            decision = travel.TravelReportDecideInput.from_form(form)
            travel.travel_report_decide(actor=request.user, report_id=report_id, **decision.dict())
        elif action == "cancel":
            travel.travel_report_cancel(actor=request.user, report_id=report_id)
        else:
            raise NotFound
    except FieldError as exc:
        report = selectors.travel_report_get(user=request.user, report_id=report_id)
        return render(
            request,
            "screening/_travel_row.html",
            {"r": report, "error": exc, "can_approve": has_cap(request.user, Cap.TRAVEL_APPROVE)},
        )
    report = selectors.travel_report_get(user=request.user, report_id=report_id)
    return render(
        request, "screening/_travel_row.html", {"r": report, "can_approve": has_cap(request.user, Cap.TRAVEL_APPROVE)}
    )


@scoped
def violation_list(request):
    if not has_cap(request.user, Cap.VIOLATION_HANDLE):
        raise Forbidden(Cap.VIOLATION_HANDLE)
    qs = selectors.violations_visible(user=request.user)
    qs, within = narrowed(qs, user=request.user, cap=Cap.VIOLATION_HANDLE, params=request.GET)
    if request.GET.get("outcome"):
        qs = qs.filter(outcome=request.GET["outcome"])
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "violations.export",
            "violations.xlsx",
            _("Unreported exits"),
            [
                pgettext("export column", "Time"),
                pgettext("export column", "Checkpoint"),
                pgettext("export column", "Name"),
                pgettext("export column", "Document number"),
                pgettext("export column", "Community"),
                pgettext("export column", "Unit"),
                pgettext("export column", "Explanation"),
                pgettext("export column", "Handling"),
            ],
            (
                (
                    v.at,
                    v.checkpoint.name if v.checkpoint else "",
                    v.person.name,
                    v.person.document_masked,
                    v.community.name if v.community else "",
                    v.unit.name if v.unit else "",
                    v.explanation,
                    v.get_outcome_display(),
                )
                for v in qs
            ),
        )
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/violations.html",
        {
            "page": page,
            "query": query,
            "outcomes": Violation.Outcome.choices,
            "counts": selectors.violation_counts(qs),
            "within": within,
        },
    )


@require_POST
@scoped
def violation_action(request, violation_id: int):
    error = None
    try:
        if "explanation" in request.POST:
            explained = travel.ViolationExplainInput.from_form(request.POST)
            travel.violation_explain(actor=request.user, violation_id=violation_id, **explained.dict())
        if request.POST.get("outcome"):
            handled = travel.ViolationHandleInput.from_form(request.POST)
            travel.violation_handle(actor=request.user, violation_id=violation_id, **handled.dict())
    except FieldError as exc:
        error = exc
    v = selectors.violation_get(user=request.user, violation_id=violation_id)
    return render(
        request, "screening/_violation_row.html", {"v": v, "error": error, "outcomes": Violation.Outcome.choices}
    )
