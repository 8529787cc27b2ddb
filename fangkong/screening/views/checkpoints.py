"""Checkpoint pages: registering passages (phone-first), the number check as it is typed, pass requests and
the passage list."""

from __future__ import annotations

import uuid

from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.ids import InvalidDocument
from fangkong.core.outbox import conflict, once, phone_time
from fangkong.core.paging import page_of
from fangkong.core.params import param_day, param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import narrowed

from .. import checkpoints as checkpoint_services
from .. import offline, selectors, vehicles
from ..models import Passage, PassRequest
from ..passages import PassageInput, passage_register, passage_reply, traveller_name
from ._shared import _export

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
        "rulebook": offline.rulebook(),  # to decide offline as the server does (checkpoint.js)
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
        data = PassageInput.from_form(request.POST)
        data.occurred_at = phone_time(
            request, data.occurred_at, "occurred_at"
        )  # kept by the phone: its clock corrected
        result = passage_register(actor=request.user, checkpoint_id=checkpoint.pk, data=data)
        reply = passage_reply(request.user, result)  # what the API answers: nothing from the register for staff
        told = ("followed_up_by", "violation_id")
        return 201, {"passage": result.passage.pk, "name": reply["person"]["name"], **{k: reply[k] for k in told}}

    outbox = bool(request.headers.get("X-Fangkong-Outbox"))
    try:
        _status, body = once(request, f"page-passage:{checkpoint.pk}", run, time_field="occurred_at")
    except FieldError as exc:
        if outbox:  # a registration kept offline by the page, refused now: why, for the staff who took it
            return JsonResponse({"ok": False, "code": str(exc.code), "message": exc.message})
        return render(
            request,
            "screening/register.html",
            _register_context(request, checkpoint, error=exc, form=request.POST),
            status=400,
        )
    if "passage" not in body:  # a 409: the same form is still being registered by another request
        if outbox:  # still being recorded: sent again later by the outbox, then answered with the first reply
            refused = conflict(body, "key")
            return JsonResponse({"ok": False, "code": str(refused.code), "message": str(refused.message)})
        return redirect("screening:checkpoint", checkpoint_id=checkpoint.pk)
    passage = selectors.passage_get(user=request.user, passage_id=body["passage"])
    if outbox:  # registered now, at the time it was taken: what the instruction was
        said = f"{passage.get_instruction_display()} · {body['name']}"
        if passage.offline_differs:  # the staff were told otherwise offline: the server's word, beside theirs
            said = _("The server decides: %(server)s (told offline: %(offline)s) · %(name)s") % {
                "server": passage.get_instruction_display(),
                "offline": passage.get_offline_instruction_display(),
                "name": body["name"],
            }
        # Anything but "let pass" stays on the page until the staff dismiss it: the traveller is to be acted on —
        # and so does a decision offline the server does not share.
        attention = passage.instruction != "let_pass" or passage.offline_differs
        return JsonResponse({"ok": True, "code": passage.instruction, "message": said, "attention": attention})
    notes = vehicles.notes_for(passage.plate, passage.at)  # a logistics pass, from the modules that know of one
    context = _register_context(request, checkpoint, result=passage, told=body, vehicle_notes=notes)
    return render(request, "screening/register.html", context)


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
            data = checkpoint_services.PassRequestRecordInput.from_form(request.POST)
            saved = checkpoint_services.pass_request_record(
                actor=request.user, checkpoint_id=checkpoint.pk, **data.dict()
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
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- passages


def _passages(request) -> tuple:
    qs = selectors.passages_visible(user=request.user).select_related("risk_area")
    g = request.GET
    # The arrivals bound for it (a hall's tile)
    qs, within = narrowed(qs, user=request.user, cap=Cap.PASSAGE_VIEW, params=request.GET)
    if g.get("direction") in Passage.Direction.values:
        qs = qs.filter(direction=g["direction"])
    if g.get("instruction"):
        qs = qs.filter(instruction=g["instruction"])
    if day := param_day(g, "day"):
        qs = qs.filter(at__date=day)
    if checkpoint := param_id(g, "checkpoint"):
        qs = qs.filter(checkpoint_id=checkpoint)
    if g.get("offline") == "decided":  # registered from a page that decided offline
        qs = qs.exclude(offline_instruction="")
    elif g.get("offline") == "differs":  # … and the server decided otherwise (the leader's notification)
        qs = qs.exclude(offline_instruction="").exclude(offline_instruction=F("instruction"))
    return qs, within


@scoped
def passage_list(request):
    if not has_cap(request.user, Cap.PASSAGE_VIEW):
        raise Forbidden(Cap.PASSAGE_VIEW)
    qs, within = _passages(request)
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
            _("Passages"),
            [
                pgettext("export column", "Time"),
                pgettext("export column", "Direction"),
                pgettext("export column", "Checkpoint"),
                pgettext("export column", "Name"),
                pgettext("export column", "Document number"),
                pgettext("export column", "Vehicle plate"),
                pgettext("export column", "From"),
                pgettext("export column", "Via"),
                pgettext("export column", "Destination"),
                pgettext("export column", "Temperature"),
                pgettext("export column", "Instruction"),
                pgettext("export column", "Rule"),
            ],
            rows,
        )
    page, query = page_of(request, qs)
    page.object_list = _named(request.user, page.object_list)
    return render(
        request,
        "screening/passage_list.html",
        {
            "page": page,
            "query": query,
            "instructions": Passage._meta.get_field("instruction").choices,
            "within": within,
        },
    )
