"""Rounds (HQ), a round's progress, the grid worker's recalls, and the personal and household code sheets."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fangkong.core import clock, pii
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.outbox import conflict, once, phone_time
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, has_cap
from fangkong.registry.selectors import jurisdiction_get, narrowed

from .. import rounds, selectors
from ..models import Recall
from ..providers import sealed_places
from ..results import RecallSampleInput, recall_sample


@scoped
def round_list(request):
    qs = selectors.rounds_visible(user=request.user)
    if not has_cap(request.user, Cap.TESTING_ADMIN) and not qs.exists():
        raise Forbidden(Cap.TESTING_ADMIN)
    error = None
    if request.method == "POST":
        try:
            data = rounds.RoundCreateInput.from_form(request.POST)
            created = rounds.round_create(actor=request.user, **data.dict())
            messages.success(request, _round_said(created), extra_tags="round_started")
            return redirect("testing:rounds")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "testing/rounds.html",
        {
            "rounds": qs[:50],
            "sites": selectors.sites_workable(user=request.user)[:200],
            "can_create": has_cap(request.user, Cap.TESTING_ADMIN),
            "compounds": selectors.compounds_for_rounds(user=request.user),
            "sealed": set(sealed_places()),
            "error": error,
            "now": clock.now(),
        },
        status=400 if error else 200,
    )


def _round_said(round_) -> str:
    said = _(
        "Round %(name)s started: %(n)d people per tube, until %(deadline)s."
        " Sampling sites can record samples in it now."
    ) % {"name": round_.name, "n": round_.pool_size, "deadline": clock.localtime(round_.deadline)}
    compounds = round_.household_places.count()
    if compounds:
        said += " " + ngettext(
            "One household per tube in %(n)d compound.", "One household per tube in %(n)d compounds.", compounds
        ) % {"n": compounds}
    return said


def _recall_retest(request) -> tuple[str, FieldError | None]:
    """One retest from the recalls page, once per key (a double tap, the outbox sending it again): what to say."""
    recall_id = param_id(request.POST, "recall") or 0

    def run() -> tuple[int, dict]:
        data = RecallSampleInput.from_form(request.POST)
        data.at = phone_time(request, data.at)  # kept by the phone: its clock corrected (core.outbox)
        recall = recall_sample(actor=request.user, recall_id=recall_id, **data.dict())
        assert recall.retest_tube is not None  # just sampled
        said = _(
            "Retest recorded: %(who)s sampled alone into tube %(c)s. Next: seal the tube in a bag for the lab;"
            " %(who)s stays under temporary control until its result."
        ) % {"who": pii.mask_name(recall.person.name), "c": recall.retest_tube.code}
        return 201, {"said": said}

    try:
        _status, reply = once(request, f"page-recall:{recall_id}", run)
    except FieldError as exc:
        return "", exc
    if "said" not in reply:  # a 409: this retest is being recorded by another request, or the key came with another
        return "", conflict(reply, "tube_code")
    return reply["said"], None


@scoped
def recall_list(request):
    if not has_cap(request.user, Cap.TESTING_RECALL):
        raise Forbidden(Cap.TESTING_RECALL)
    error = None
    if request.method == "POST":
        said, error = _recall_retest(request)
        if request.headers.get("X-Fangkong-Outbox"):  # kept by the page's outbox, sent now: JSON, as the site's
            if error is not None:
                return JsonResponse({"ok": False, "code": str(error.code), "message": str(error.message)})
            return JsonResponse({"ok": True, "code": "retest_sampled", "message": said})
        if said:
            messages.success(request, said, extra_tags="retest_sampled")
            # The page drawn after the redirect names the key answered, for the outbox to clear (core/_outbox.html).
            request.session["outbox_done"] = request.POST.get("key", "")[:64]
            return redirect(request.get_full_path())
    qs = selectors.recalls_visible(user=request.user).select_related("round").order_by("state", "ordered_at")
    qs, within = narrowed(qs, user=request.user, cap=Cap.TESTING_RECALL, params=request.GET)
    state = request.GET.get("state", "ordered")
    if state in Recall.State.values:
        qs = qs.filter(state=state)
    page, query = page_of(request, qs)
    return render(
        request,
        "testing/recalls.html",
        {
            "page": page,
            "state": state,
            "error": error,
            "states": Recall.State.choices,
            "query": query,
            "within": within,
            "outbox_done": request.session.pop("outbox_done", ""),
        },
        status=400 if error else 200,
    )


@scoped
def round_detail(request, round_id: int):
    """A round's progress: stage timings (HQ), coverage for one's jurisdiction, and who is missing where."""
    from .. import monitoring

    round_ = selectors.round_get(user=request.user, round_id=round_id)
    context: dict = {"round": round_}
    if has_cap(request.user, Cap.TESTING_ADMIN):
        context["timings"] = monitoring.stage_timings(user=request.user, round_id=round_id)
        context["stages"] = list(monitoring.Stage)  # the columns, 采送检报 in order
    if has_cap(request.user, Cap.TESTING_RECALL):
        context["coverage"] = monitoring.coverage(
            user=request.user, round_id=round_id, parent_id=param_id(request.GET, "jurisdiction")
        )
        if missing_for := param_id(request.GET, "missing"):
            try:
                context["missing"] = monitoring.missing(
                    user=request.user, round_id=round_id, jurisdiction_id=missing_for
                )
            except FieldError as exc:
                context["missing_error"] = exc
    if len(context) == 1:
        raise Forbidden(Cap.TESTING_RECALL)
    context["can_plan"] = has_cap(request.user, Cap.TESTING_ADMIN)  # the pool sizes per grid are HQ's
    return render(request, "testing/round.html", context)


@scoped
def code_sheet(request, jurisdiction_id: int):
    """A printable sheet of personal codes (QR) for the residents of a grid or community."""
    from fangkong.registry.codes import codes_for_print, qr_svg

    if not has_cap(request.user, Cap.PEOPLE_VIEW):
        raise Forbidden(Cap.PEOPLE_VIEW)
    entries = [
        (p, code, qr_svg(code)) for p, code in codes_for_print(actor=request.user, jurisdiction_id=jurisdiction_id)
    ]
    place = jurisdiction_get(user=request.user, jurisdiction_id=jurisdiction_id)
    return render(request, "testing/code_sheet.html", {"entries": entries, "place": place})


@scoped
def household_sheet(request, jurisdiction_id: int):
    """A printable sheet of household codes (one card per door) for a grid or community."""
    from fangkong.registry.codes import household_codes_for_print, qr_svg

    if not has_cap(request.user, Cap.PEOPLE_VIEW):
        raise Forbidden(Cap.PEOPLE_VIEW)
    entries = [
        (home, code, members, qr_svg(code))
        for home, code, members in household_codes_for_print(actor=request.user, jurisdiction_id=jurisdiction_id)
    ]
    place = jurisdiction_get(user=request.user, jurisdiction_id=jurisdiction_id)
    return render(request, "testing/household_sheet.html", {"entries": entries, "place": place})


@scoped
@require_POST
def codes_issue(request, jurisdiction_id: int):
    """Codes for every resident here who has none (before a round: sites then scan codes, not ID numbers)."""
    from fangkong.registry.codes import PersonCodesIssueInput, person_codes_issue

    data = PersonCodesIssueInput.from_form(request.POST, jurisdiction_id=jurisdiction_id)
    created = person_codes_issue(actor=request.user, **data.dict())
    code = "codes_issued" if created else "codes_none"  # the message's code, for tests and scripts (its tags)
    if created:
        said = ngettext(
            "%(n)d personal code issued: print the code sheet and hand each resident their card.",
            "%(n)d personal codes issued: print the code sheet and hand each resident their card.",
            created,
        ) % {"n": created}
    else:
        said = _("No code issued: every resident here has a personal code already.")
    messages.success(request, said, extra_tags=code)
    return redirect("jurisdiction", jurisdiction_id)
