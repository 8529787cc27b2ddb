"""Testing pages: rounds (HQ), the sampler's site page (a phone), bags, the lab, the grid worker's recalls."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.registry.selectors import jurisdiction_get, narrowed

from . import custody, rounds, selectors
from .collection import open_tube, tube_close
from .collection.site import SiteScanInput, site_scan
from .models import Bag, Recall, Sample
from .providers import sealed_places
from .results import RecallSampleInput, recall_sample, results_file_ingest


@scoped
def round_list(request):
    qs = selectors.rounds_visible(user=request.user)
    if not has_cap(request.user, Cap.TESTING_ADMIN) and not qs.exists():
        raise Forbidden(Cap.TESTING_ADMIN)
    error = None
    if request.method == "POST":
        try:
            data = rounds.RoundCreateInput.from_form(request.POST)
            rounds.round_create(actor=request.user, **data.dict())
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


@scoped
def site_page(request, site_id: int):
    """Scan the person's code (or type the ID number), scan the tube: the open tube's count shows."""
    site = selectors.sites_workable(user=request.user).filter(pk=site_id).first()
    if site is None:
        raise NotFound
    now = clock.now()
    current = list(selectors.rounds_visible(user=request.user).filter(starts_at__lte=now, deadline__gt=now))
    round_id = param_id(request.POST, "round") or param_id(request.GET, "round") or (current[0].pk if current else 0)
    message, error, household = None, None, None
    if request.method == "POST":
        try:
            if request.POST.get("close"):
                closed = tube_close(actor=request.user, code=request.POST["close"])
                message = _("Tube %(c)s closed with %(n)d.") % {"c": closed.code, "n": closed.count}
            else:
                data = SiteScanInput.from_form(request.POST)
                done = site_scan(actor=request.user, site_id=site.pk, round_id=round_id, **data.dict())
                household, error = done.household, done.error
                if done.sampled:
                    message = (
                        _("Sampled.")
                        if data.member is None
                        else _("%(n)d of the household sampled.") % {"n": done.sampled}
                    )
        except FieldError as exc:
            error = exc
    tube = open_tube(actor=request.user, site_id=site.pk)
    recent = Sample.objects.filter(site=site).select_related("person", "tube").order_by("-collected_at", "-id")[:10]
    return render(
        request,
        "testing/site.html",
        {
            "site": site,
            "rounds": current,
            "round_id": round_id,
            "tube": tube,
            "recent": recent,
            "message": message,
            "error": error,
            "household": household,
            "tube_code": request.POST.get("tube_code", "") if household else "",
        },
        status=400 if error else 200,
    )


@scoped
def bag_page(request):
    if not (has_cap(request.user, Cap.TESTING_SAMPLE) or has_cap(request.user, Cap.TESTING_ADMIN)):
        raise Forbidden(Cap.TESTING_SAMPLE)
    error, bag = None, None
    if request.method == "POST":
        try:
            if request.POST.get("handover"):
                bag = custody.bag_handover(actor=request.user, seal_code=request.POST["handover"])
            else:
                data = custody.BagSealInput.from_form(request.POST)
                bag = custody.bag_seal(actor=request.user, **data.dict())
        except FieldError as exc:
            error = exc
    recent = Bag.objects.filter(sealed_by=request.user).order_by("-sealed_at")[:20]
    return render(
        request,
        "testing/bags.html",
        {"error": error, "bag": bag, "recent": recent, "form": request.POST if error else {}},
        status=400 if error else 200,
    )


@scoped
def lab_page(request):
    if not has_cap(request.user, Cap.TESTING_LAB):
        raise Forbidden(Cap.TESTING_LAB)
    error, received, result = None, None, None
    if request.method == "POST":
        try:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                result = results_file_ingest(
                    actor=request.user, filename=upload.name or "", content=read_table_upload(upload)
                )
            else:
                found = custody.BagReceiveInput.from_form(request.POST)
                received = custody.bag_receive(
                    actor=request.user, seal_code=request.POST.get("seal_code", ""), **found.dict()
                )
        except FieldError as exc:
            error = exc
    recent = Bag.objects.filter(received_by=request.user).order_by("-received_at")[:20]
    return render(
        request,
        "testing/lab.html",
        {"error": error, "received": received, "result": result, "recent": recent},
        status=400 if error else 200,
    )


@scoped
def recall_list(request):
    if not has_cap(request.user, Cap.TESTING_RECALL):
        raise Forbidden(Cap.TESTING_RECALL)
    error = None
    if request.method == "POST":
        try:
            data = RecallSampleInput.from_form(request.POST)
            recall_sample(actor=request.user, recall_id=param_id(request.POST, "recall") or 0, **data.dict())
            return redirect("testing:recalls")
        except FieldError as exc:
            error = exc
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
        },
        status=400 if error else 200,
    )


@scoped
def round_detail(request, round_id: int):
    """A round's progress: stage timings (HQ), coverage for one's jurisdiction, and who is missing where."""
    from . import monitoring

    round_ = selectors.round_get(user=request.user, round_id=round_id)
    context: dict = {"round": round_}
    if has_cap(request.user, Cap.TESTING_ADMIN):
        context["timings"] = monitoring.stage_timings(user=request.user, round_id=round_id)
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
    messages.success(request, _("%(n)d personal codes issued.") % {"n": created})
    return redirect("jurisdiction", jurisdiction_id)
