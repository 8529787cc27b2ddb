"""Screening pages. Thin: parse, call a selector or service, render. Phone-first for checkpoint and grid work."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.api import idempotent
from fangkong.core.audit import audit_record
from fangkong.core.dates import parse_day, parse_moment, period
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.ids import InvalidDocument
from fangkong.core.paging import page_of
from fangkong.core.params import param_day, param_id, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.core.xlsx import workbook_bytes, xlsx_response

from . import checkpoints as checkpoint_services
from . import followups as followup_services
from . import riskareas, selectors, travel
from .forms import passage_input
from .models import (
    FollowUp,
    FollowUpTest,
    Instruction,
    Measure,
    Passage,
    PassRequest,
    RiskLevel,
    RiskProtocol,
    ScreeningSettings,
    Violation,
)
from .passages import passage_register, passage_reply, traveller_name


def _export(request, action: str, filename: str, title: str, header, rows):
    content = workbook_bytes(title, header, rows)
    audit_record(
        actor=request.user,
        action=action,
        object_type="export",
        object_repr=filename,
        fields={"filters": request.GET.urlencode()[:300]},
    )
    return xlsx_response(filename, content)


# ---------------------------------------------------------------- checkpoints


@scoped
def checkpoint_list(request):
    items = list(selectors.checkpoints_workable(user=request.user))
    if not items:
        raise Forbidden(Cap.CHECKPOINT_WORK)
    if len(items) == 1:
        return redirect("screening:checkpoint", checkpoint_id=items[0].pk)
    return render(request, "screening/checkpoint_list.html", {"checkpoints": items})


def _named(user, passages) -> list:
    name = traveller_name(user)  # staff read the name they typed, masked; never the register's
    passages = list(passages)
    for p in passages:
        p.shown_name = name(p)
    return passages


def _register_context(request, checkpoint, **extra) -> dict:
    return {
        "checkpoint": checkpoint,
        "communities": selectors.destination_choices(),
        "key": uuid.uuid4().hex,
        "shifts": checkpoint_services.shifts_now(checkpoint),
        "recent": _named(
            request.user, selectors.passages_visible(user=request.user).filter(checkpoint=checkpoint)[:10]
        ),
        "active_areas": selectors.risk_areas(user=request.user, active_at=clock.now())[:30],
        **extra,
    }


@scoped
def checkpoint_register(request, checkpoint_id: int):
    """The staff's page: register a passage, see the instruction at once."""
    checkpoint = selectors.checkpoint_for_work(user=request.user, checkpoint_id=checkpoint_id)
    if request.method != "POST":
        return render(request, "screening/register.html", _register_context(request, checkpoint))
    # The form carries a fresh key: a double tap or a resubmitted page shows the first result, registers nothing
    # (the same mechanism as the API's Idempotency-Key).

    def run() -> tuple[int, dict]:
        result = passage_register(actor=request.user, checkpoint_id=checkpoint.pk, data=passage_input(request.POST))
        reply = passage_reply(request.user, result)  # what the API answers: nothing from the register for staff
        told = ("followed_up_by", "violation_id")
        return 201, {"passage": result.passage.pk, "name": reply["person"]["name"], **{k: reply[k] for k in told}}

    try:
        _status, body = idempotent(request, f"page-passage:{checkpoint.pk}", run, key=request.POST.get("key", "")[:64])
    except FieldError as exc:
        return render(
            request,
            "screening/register.html",
            _register_context(request, checkpoint, error=exc, form=request.POST),
            status=400,
        )
    if "passage" not in body:  # a 409: the same form is still being registered by another request
        return redirect("screening:checkpoint", checkpoint_id=checkpoint.pk)
    passage = selectors.passage_get(user=request.user, passage_id=body["passage"])
    return render(request, "screening/register.html", _register_context(request, checkpoint, result=passage, told=body))


@scoped
def checkpoint_lookup(request, checkpoint_id: int):
    """HTMX, as the number is typed: is it well formed, and does the platform restrict its holder (yellow or red,
    what to do, the short reasons)? Nothing of the register: a number seen for the first time and a registered
    one with no restriction read the same."""
    scan, error = None, ""
    try:
        scan = selectors.restriction_at_checkpoint(
            user=request.user,
            checkpoint_id=checkpoint_id,
            document_type=request.GET.get("document_type", ""),
            document_number=request.GET.get("document_number", ""),
        )
    except InvalidDocument as exc:
        error = str(exc)
    checked = not error and bool(request.GET.get("document_number", "").strip())
    return render(request, "screening/_lookup.html", {"error": error, "scan": scan, "checked": checked})


@scoped
def pass_request_new(request, checkpoint_id: int):
    checkpoint = selectors.checkpoint_for_work(user=request.user, checkpoint_id=checkpoint_id)
    error, saved = None, None
    if request.method == "POST":
        try:
            saved = checkpoint_services.pass_request_record(
                actor=request.user,
                checkpoint_id=checkpoint.pk,
                **{
                    k: request.POST.get(k, "")
                    for k in ("requester_name", "requester_unit_name", "requester_post", "plate", "outcome", "note")
                },
            )
        except FieldError as exc:
            error = exc
    return render(
        request,
        "screening/pass_request_form.html",
        {
            "checkpoint": checkpoint,
            "error": error,
            "saved": saved,
            "form": request.POST if error else {},
            "outcomes": PassRequest.Outcome.choices,
        },
    )


# ---------------------------------------------------------------- passages


def _passages(request):
    qs = selectors.passages_visible(user=request.user).select_related("risk_area")
    g = request.GET
    if g.get("direction") in Passage.Direction.values:
        qs = qs.filter(direction=g["direction"])
    if g.get("instruction"):
        qs = qs.filter(instruction=g["instruction"])
    if day := param_day(g, "day"):
        qs = qs.filter(at__date=day)
    return qs


@scoped
def passage_list(request):
    if not has_cap(request.user, Cap.PASSAGE_VIEW):
        raise Forbidden(Cap.PASSAGE_VIEW)
    qs = _passages(request)
    name = traveller_name(request.user)  # checkpoint staff read 李*: the register's name is not theirs
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                p.at,
                p.get_direction_display(),
                p.checkpoint.name,
                name(p),
                p.person.document_masked,
                p.plate,
                p.origin,
                "、".join(p.visited),
                p.destination_community.name if p.destination_community else p.destination_address,
                p.temperature,
                p.get_instruction_display(),
                p.rule_text,
            )
            for p in qs.iterator(chunk_size=2000)
        )
        return _export(
            request,
            "passages.export",
            "passages.xlsx",
            "passages",
            ["时间", "方向", "道口", "姓名", "证件号码", "车牌", "来自", "途经", "目的地", "体温", "处置", "依据"],
            rows,
        )
    page, query = page_of(request, qs)
    page.object_list = _named(request.user, page.object_list)
    return render(
        request,
        "screening/passage_list.html",
        {"page": page, "query": query, "instructions": Passage._meta.get_field("instruction").choices},
    )


# ---------------------------------------------------------------- follow-ups


@scoped
def followup_list(request):
    if not has_cap(request.user, Cap.FOLLOWUP_WORK):
        raise Forbidden(Cap.FOLLOWUP_WORK)
    state = request.GET.get("state", "active")
    qs = selectors.followups_visible(user=request.user, state=state if state != "all" else "")
    if request.GET.get("format") == "xlsx":
        rows = (
            (
                f.person.name,
                f.person.document_masked,
                f.get_level_display(),
                f.get_measure_display(),
                f.community.name,
                f.opened_at,
                f.contact_due_at,
                FollowUp.State(f.state).label,
                f.contacted_at,
                f.released_at,
            )
            for f in qs
        )
        return _export(
            request,
            "followups.export",
            "followups.xlsx",
            "followups",
            ["姓名", "证件号码", "风险等级", "管控措施", "社区", "开始", "联系时限", "状态", "联系时间", "解除时间"],
            rows,
        )
    counts = {
        s: selectors.followups_visible(user=request.user, state=s).count()
        for s in ("open", "missed", "contacted", "released")
    }
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/followup_list.html",
        {"page": page, "query": query, "state": state, "counts": counts, "now": clock.now()},
    )


def _followup_context(request, followup_id: int, **extra) -> dict:
    followup = selectors.followup_get(user=request.user, followup_id=followup_id)
    results = {t.day: t for t in followup.tests.all()}
    return {
        "f": followup,
        "tests": [(day, when, results.get(day)) for day, when in followup.test_dates()],
        "blockers": followup_services.release_blockers(followup),
        "results": FollowUpTest.Result.choices,
        **extra,
    }


@scoped
def followup_detail(request, followup_id: int):
    return render(request, "screening/followup_detail.html", _followup_context(request, followup_id))


@require_POST
@scoped
def followup_action(request, followup_id: int, action: str):
    try:
        if action == "contact":
            followup_services.followup_contact(actor=request.user, followup_id=followup_id)
        elif action == "location":
            followup_services.followup_confirm_location(
                actor=request.user, followup_id=followup_id, where=request.POST.get("where", "")
            )
        elif action == "test":
            day = param_int(request.POST, "day", 0) or 0
            followup_services.followup_record_test(
                actor=request.user, followup_id=followup_id, day=day, result=request.POST.get("result", "")
            )
        elif action == "release":
            followup_services.followup_release(
                actor=request.user, followup_id=followup_id, note=request.POST.get("note", "")
            )
        else:
            raise NotFound
    except FieldError as exc:
        return render(
            request, "screening/_followup_card.html", _followup_context(request, followup_id, error=exc), status=400
        )
    return render(request, "screening/_followup_card.html", _followup_context(request, followup_id, done=action))


@scoped
def reconciliation(request):
    try:
        since, until = period(request.GET.get("since"), request.GET.get("until"))
    except FieldError:
        since, until = period(None, None)
    rows = selectors.reconciliation(user=request.user, since=since, until=until)
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "reconciliation.export",
            "reconciliation.xlsx",
            "reconciliation",
            ["社区/村", "抵达", "纳入闭环", "按时联系", "超时联系", "逾期未联系", "已解除"],
            (
                (
                    r["community"].name,
                    r["arrivals"],
                    r["owned"],
                    r["contacted_in_time"],
                    r["contacted_late"],
                    r["overdue"],
                    r["released"],
                )
                for r in rows
            ),
        )
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("arrivals", "owned", "contacted_in_time", "contacted_late", "overdue", "released")
    }
    query = request.GET.copy()
    return render(
        request,
        "screening/reconciliation.html",
        {
            "rows": rows,
            "totals": totals,
            "since": since,
            "until": until,
            "query": query.urlencode(),
            "missed": selectors.followups_missed(user=request.user)[:100],
        },
    )


# ---------------------------------------------------------------- risk areas


@scoped
def risk_area_list(request):
    error, import_result = None, None
    can_edit = has_cap(request.user, Cap.RISK_EDIT)
    if request.method == "POST":
        try:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                import_result = riskareas.risk_areas_import(
                    actor=request.user, content=read_table_upload(upload), filename=upload.name or ""
                )
            elif request.POST.get("end"):
                riskareas.risk_area_end(actor=request.user, area_id=param_id(request.POST, "end") or 0)
            else:
                data = riskareas.risk_area_clean(
                    **{
                        k: request.POST.get(k, "")
                        for k in ("name", "level", "valid_from", "valid_to", "code", "notice")
                    }
                )
                if request.POST.get("area"):
                    riskareas.risk_area_update(
                        actor=request.user, area_id=param_id(request.POST, "area") or 0, data=data
                    )
                else:
                    riskareas.risk_area_create(actor=request.user, data=data)
            if not import_result or not import_result["rejected"]:
                return redirect("screening:risk_areas")
        except FieldError as exc:
            error = exc
    editing = None
    if can_edit and (edit_id := param_id(request.GET, "edit")):
        editing = selectors.risk_areas(user=request.user).filter(pk=edit_id).first()
    show = request.GET.get("show", "active")
    qs = selectors.risk_areas(user=request.user, active_at=clock.now() if show == "active" else None)
    page, query = page_of(request, qs)
    return render(
        request,
        "screening/risk_areas.html",
        {
            "page": page,
            "query": query,
            "show": show,
            "can_edit": can_edit,
            "error": error,
            "levels": RiskLevel.choices,
            "import_result": import_result,
            "form": request.POST if error else _area_form(editing),
            "editing": editing,
            "now": clock.now(),
        },
        status=400 if error else 200,
    )


def _area_form(area) -> dict:
    if area is None:
        return {}
    from django.utils import timezone

    return {
        "name": area.name,
        "code": area.code,
        "level": area.level,
        "notice": area.notice,
        "valid_from": timezone.localtime(area.valid_from).date().isoformat(),
        "valid_to": timezone.localtime(area.valid_to).date().isoformat() if area.valid_to else "",
    }


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
            "pass requests",
            ["时间", "道口", "请求人", "单位", "职务", "车牌", "结果", "备注"],
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
            person = travel.person_for_report(
                actor=request.user,
                document_type=request.POST.get("document_type", ""),
                document_number=request.POST.get("document_number", ""),
            )
            depart = parse_day("depart_on", request.POST.get("depart_on"))
            back = parse_day("return_on", request.POST.get("return_on"))
            if depart is None:
                raise FieldError("depart_on", _("Give the departure date."))
            if back is None:
                raise FieldError("return_on", _("Give the return date."))
            travel.travel_report_file(
                actor=request.user,
                person=person,
                destination=request.POST.get("destination", ""),
                depart_on=depart,
                return_on=back,
                reason=request.POST.get("reason", ""),
                transport=request.POST.get("transport", ""),
            )
            return redirect("screening:travel")
        except NotFound:
            error = FieldError("document_number", _("No one you answer for has this document number."))
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
            "travel reports",
            ["姓名", "证件号码", "目的地", "出发", "返回", "事由", "交通", "审批", "社区确认", "单位确认"],
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
    )


@require_POST
@scoped
def travel_action(request, report_id: int, action: str):
    try:
        if action == "acknowledge":
            travel.travel_report_acknowledge(actor=request.user, report_id=report_id)
        elif action in ("approve", "reject"):
            travel.travel_report_decide(
                actor=request.user, report_id=report_id, approve=action == "approve", note=request.POST.get("note", "")
            )
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
    if request.GET.get("outcome"):
        qs = qs.filter(outcome=request.GET["outcome"])
    if request.GET.get("format") == "xlsx":
        return _export(
            request,
            "violations.export",
            "violations.xlsx",
            "violations",
            ["时间", "道口", "姓名", "证件号码", "社区", "单位", "说明", "处理"],
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
        },
    )


@require_POST
@scoped
def violation_action(request, violation_id: int):
    error = None
    try:
        if "explanation" in request.POST:
            travel.violation_explain(
                actor=request.user, violation_id=violation_id, explanation=request.POST["explanation"]
            )
        if request.POST.get("outcome"):
            travel.violation_handle(actor=request.user, violation_id=violation_id, outcome=request.POST["outcome"])
    except FieldError as exc:
        error = exc
    v = selectors.violation_get(user=request.user, violation_id=violation_id)
    return render(
        request, "screening/_violation_row.html", {"v": v, "error": error, "outcomes": Violation.Outcome.choices}
    )


# ---------------------------------------------------------------- protocol and shifts


@scoped
def protocol_page(request):
    from . import protocol

    can_edit = has_cap(request.user, Cap.RISK_EDIT)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("level"):
                days = param_int(request.POST, "days", -1) if request.POST.get("days") else 0
                if days is None or days < 0:
                    raise FieldError("days", _("A whole number."))
                protocol.protocol_update(
                    actor=request.user,
                    level=request.POST["level"],
                    instruction=request.POST.get("instruction", ""),
                    measure=request.POST.get("measure", ""),
                    days=days,
                    test_days=request.POST.get("test_days", ""),
                )
            else:
                protocol.settings_update(
                    actor=request.user,
                    **{k: request.POST[k] for k in protocol.SETTINGS_FIELDS if request.POST.get(k, "") != ""},
                )
            return redirect("screening:protocol")
        except FieldError as exc:
            error = exc
    rows = RiskProtocol.current()
    return render(
        request,
        "screening/protocol.html",
        {
            "levels": [rows[level] for level in ("high", "medium", "low")],
            "settings_row": ScreeningSettings.current(),
            "can_edit": can_edit,
            "error": error,
            "instructions": Instruction.choices,
            "measures": Measure.choices,
        },
    )


@scoped
def shift_page(request):
    """Checkpoints one manages: who is on duty now and in the next days, gaps flagged, shifts added."""
    checkpoints = list(selectors.checkpoints_managed(user=request.user))
    if not checkpoints:
        raise Forbidden(Cap.CHECKPOINT_MANAGE)
    error = None
    if request.method == "POST":
        try:
            starts = parse_moment("starts_at", request.POST.get("starts_at"))
            ends = parse_moment("ends_at", request.POST.get("ends_at"))
            if starts is None:
                raise FieldError("starts_at", _("Give the start."))
            if ends is None:
                raise FieldError("ends_at", _("Give the end."))
            checkpoint_services.shift_create(
                actor=request.user,
                checkpoint_id=param_id(request.POST, "checkpoint") or 0,
                starts_at=starts,
                ends_at=ends,
                leader=request.POST.get("leader", "").strip(),
                staff=[
                    u for u in (x.strip() for x in request.POST.get("staff", "").replace("，", ",").split(",")) if u
                ],
            )
            return redirect("screening:shifts")
        except FieldError as exc:
            error = exc
    rows = []
    for checkpoint in checkpoints:
        shifts = checkpoint_services.shifts_ahead(checkpoint, days=7)
        rows.append(
            {
                "checkpoint": checkpoint,
                "shifts": shifts,
                "gaps": checkpoint_services.uncovered(checkpoint, shifts, days=1),
            }
        )
    return render(
        request, "screening/shifts.html", {"rows": rows, "error": error, "form": request.POST if error else {}}
    )
