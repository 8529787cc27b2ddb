"""Inspection pages: start one at an enterprise with a checklist that fits it, walk it on a phone section by section
(a clean section passed in one tap), sign on the pad shown from the start; the drawn signature."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.outbox import conflict, once, phone_time
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound

from . import inspections
from .checklists import checklists_for
from .enterprises import enterprise_get
from .selectors import enterprises_visible


@scoped
def inspection_new(request):
    """Start an inspection: an enterprise, then a checklist among those that fit it (its industry's and its risks',
    and fire safety for all), the other enterprise checklists after them. Choosing another enterprise swaps the
    checklists (HTMX; without it, the "Choose" button)."""
    if not inspections.can_start_inspection(request.user):
        raise Forbidden(Cap.SAFETY_REGULATE)
    error = None
    if request.method == "POST":
        try:
            data = inspections.InspectionStartInput.from_form(request.POST)
            i = inspections.inspection_start(actor=request.user, **data.dict())
            return redirect("safety:inspection", i.pk)
        except FieldError as exc:
            error = exc
    enterprises = list(enterprises_visible(user=request.user).select_related("safety_profile")[:500])
    chosen_id = param_id(request.POST if error else request.GET, "enterprise_id")
    if chosen_id is not None:
        chosen = next((e for e in enterprises if e.pk == chosen_id), None) or enterprise_get(
            user=request.user, enterprise_id=chosen_id
        )
    elif enterprises:
        chosen = enterprises[0]
    else:
        raise NotFound
    fitting, others = checklists_for(chosen)
    return render(
        request,
        "safety/inspection_new.html",
        {
            "enterprises": enterprises,
            "chosen": chosen,
            "fitting": fitting,
            "others": others,
            "checklist_id": param_id(request.POST, "checklist_id") if error else None,
            "error": error,
        },
        status=400 if error else 200,
    )


def _record_posted(request, inspection, items) -> tuple[FieldError | None, dict]:
    """The verdicts, notes and photos the walk's form sent (an item left untouched sends none). Each item is kept
    on its own: one refused (a failure without a note, a photo refused) does not lose the others, and what was
    typed for it comes back on the form (`unsaved`) with the first refusal to correct."""
    first: FieldError | None = None
    unsaved: dict[int, SimpleNamespace] = {}
    for item in items:
        verdict = request.POST.get(f"item-{item.pk}")
        if verdict not in ("pass", "fail"):
            continue
        note = request.POST.get(f"note-{item.pk}", "")
        try:
            inspections.inspection_record(
                actor=request.user,
                inspection_id=inspection.pk,
                item_id=item.pk,
                passed=verdict == "pass",
                note=note,
                photo=request.FILES.get(f"photo-{item.pk}"),
            )
        except FieldError as exc:
            first = first or FieldError(exc.field, f"{item.code}. {exc.message}", code=exc.code)
            unsaved[item.pk] = SimpleNamespace(passed=verdict == "pass", note=note, hazard_id=None)
    return first, unsaved


def _walk_posted(request, inspection, items, sections) -> dict:
    """What the walk's form sent, done once per key (a double tap; the phone's outbox sending a walk kept offline
    again): the items recorded first, whichever button was pressed, then the section passed or the signing. The
    reply says what was done, or the first refusal with what was typed for the refused items — the items that
    were accepted stay recorded either way."""

    def run() -> tuple[int, dict]:
        refused, unsaved = _record_posted(request, inspection, items)
        try:
            if refused is not None:
                raise refused
            section = request.POST.get("pass_section")
            if section is not None:
                inspections.inspection_pass_section(actor=request.user, inspection_id=inspection.pk, section=section)
                names = [name for name, _items in sections]
                after = names.index(section) + 1 if section in names else 0  # back where the walk goes on
                return 201, {"done": "section_passed", "said": _("Section passed."), "next": min(after, len(names) - 1)}
            if request.POST.get("action") == "sign":
                inspections.inspection_sign(
                    actor=request.user,
                    inspection_id=inspection.pk,
                    signature=inspections.data_url_png(request.POST.get("signature", "")),
                    at=phone_time(request, parse_moment("at", request.POST.get("at")), "at"),  # kept: when signed
                )
                return 201, {"done": "signed", "said": _("Signed. Failed items are registered as hazards.")}
            return 201, {"done": "saved", "said": _("Saved.")}
        except Forbidden as exc:
            refused = FieldError("state", exc.reason or _("You may not take this decision."), code=Code.FORBIDDEN)
        except FieldError as exc:
            refused = exc
        kept = {pk: [r.passed, r.note] for pk, r in unsaved.items()}
        return 200, {"refused": [refused.field, refused.message, str(refused.code)], "unsaved": kept}

    _status, reply = once(request, f"page-inspection:{inspection.pk}", run)
    if "done" not in reply and "refused" not in reply:  # a 409: the key came with another walk, or is being recorded
        raise conflict(reply, "key")
    return reply


@scoped
def inspection_walk(request, inspection_id: int):
    """Walk the checklist on a phone: each item passed or not (a note, a photo), a clean section in one tap, then
    sign on the pad. Whatever the form sent is saved first, whichever button was pressed. The page keeps working
    offline (issue 22): the walk is kept on the phone with its key and sent when the network is back."""
    inspection = inspections.inspection_visible(user=request.user, inspection_id=inspection_id)
    items = list(inspection.checklist.items.all())
    sections = inspections.sections_of(items)
    error: SimpleNamespace | None = None
    unsaved: dict = {}
    if request.method == "POST":
        outbox = bool(request.headers.get("X-Fangkong-Outbox"))
        try:
            reply = _walk_posted(request, inspection, items, sections)
        except FieldError as exc:
            reply = {"refused": [exc.field, exc.message, str(exc.code)], "unsaved": {}}
        if outbox:  # kept by the page's outbox, sent now: JSON, as the site's field pages answer
            if "refused" in reply:
                field, message, code = reply["refused"]
                return JsonResponse({"ok": False, "code": code, "message": message})
            return JsonResponse({"ok": True, "code": reply["done"], "message": reply["said"]})
        if "refused" in reply:
            field, message, code = reply["refused"]
            error = SimpleNamespace(field=field, message=message, code=code, row=None)  # as _error.html reads one
            unsaved = {
                int(pk): SimpleNamespace(passed=v[0], note=v[1], hazard_id=None) for pk, v in reply["unsaved"].items()
            }
        else:
            url = reverse("safety:inspection", args=[inspection.pk])
            # The page drawn after the redirect names the key answered, for the outbox to clear (core/_outbox.html).
            request.session["outbox_done"] = request.POST.get("key", "")[:64]
            if reply["done"] == "section_passed":
                return redirect(f"{url}#section-{reply['next'] + 1}")
            messages.success(request, reply["said"])
            return redirect(url)
    saved = {r.item_id: r for r in inspection.results.all()}
    results: dict = {**saved, **unsaved}  # what was typed for a refused item, to correct rather than type again
    return render(
        request,
        "safety/inspection.html",
        {
            "inspection": inspection,
            "sections": [(name, [(item, results.get(item.pk)) for item in rows]) for name, rows in sections],
            "recorded": len(saved),
            "total": len(items),
            "complete": len(saved) == len(items),
            "walker": inspections.can_record_inspection(request.user, inspection),
            "error": error,
            "outbox_done": request.session.pop("outbox_done", "") if request.method == "GET" else "",
        },
        status=400 if error else 200,
    )


@scoped
def inspection_signature(request, inspection_id: int):
    """The drawn signature, to whoever may see the inspection (media files are not served publicly)."""
    from django.http import FileResponse

    inspection = inspections.inspection_visible(user=request.user, inspection_id=inspection_id)
    if not inspection.signature:
        raise NotFound
    return FileResponse(inspection.signature.open("rb"), content_type="image/png")
