"""Testing pages: rounds (HQ), the sampler's site page (a phone), bags, the lab, the grid worker's recalls."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core import clock
from fangkong.core.dates import parse_moment
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id, param_ids, param_int
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.core.tables import read_table_upload
from fangkong.registry import codes
from fangkong.registry.selectors import jurisdiction_get

from . import custody, rounds, selectors
from .collection import Scan, collections_ingest, open_tube, tube_close
from .models import Bag, Recall, Sample
from .providers import sealed_places
from .results import recall_sample, results_file_ingest


@scoped
def round_list(request):
    qs = selectors.rounds_visible(user=request.user)
    if not has_cap(request.user, Cap.TESTING_ADMIN) and not qs.exists():
        raise Forbidden(Cap.TESTING_ADMIN)
    error = None
    if request.method == "POST":
        try:
            deadline = parse_moment("deadline", request.POST.get("deadline"))
            rounds.round_create(
                actor=request.user,
                name=request.POST.get("name", ""),
                # Unreadable is 0, which the service refuses with the sizes it takes; empty is the default.
                pool_size=param_int(request.POST, "pool_size", 0) if request.POST.get("pool_size") else 10,
                deadline=deadline,
                household_places=param_ids(request.POST, "household_places")
                if "household_places_shown" in request.POST
                else None,
            )
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
            elif codes.is_household_code(request.POST.get("person", "")):
                household, message, error = _household_scan(request, site, round_id, now)
            else:
                who = request.POST.get("person", "").strip()
                scan = Scan(
                    index=0,
                    tube_code=request.POST.get("tube_code", ""),
                    site_id=site.pk,
                    collected_at=now,
                    **({"person_code": who} if codes.is_person_code(who) else {"document_number": who}),
                )
                reply = collections_ingest(actor=request.user, round_id=round_id, scans=[scan])
                if reply["rejected"]:
                    error = FieldError("person", reply["rejected"][0]["message"])
                else:
                    message = _("Sampled.")
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


def _household_scan(request, site, round_id: int, now):
    """A household code was scanned: first show its residents (all ticked), then sample the ticked ones into
    the tube. Returns (household to show, message, error)."""
    found = codes.household_by_code(request.POST.get("person", ""))
    if found is None:
        return None, None, FieldError("person", _("Unknown household code."))
    household, members = found
    shown = {"code": request.POST["person"].strip().upper(), "place": household, "members": members}
    if "member" not in request.POST:
        return shown, None, None
    ticked = set(request.POST.getlist("member"))
    chosen = [m for m in members if str(m.pk) in ticked]
    if not chosen:
        return shown, None, FieldError("member", _("Tick the members who were sampled."))
    scans = [
        Scan(index=i, person_id=m.pk, tube_code=request.POST.get("tube_code", ""), site_id=site.pk, collected_at=now)
        for i, m in enumerate(chosen)
    ]
    reply = collections_ingest(actor=request.user, round_id=round_id, scans=scans)
    accepted = _("%(n)d of the household sampled.") % {"n": reply["accepted"]}
    if reply["rejected"]:
        problems = "; ".join(f"{chosen[r['index']].name[:1]}*: {r['message']}" for r in reply["rejected"])
        return None, accepted if reply["accepted"] else None, FieldError("member", problems)
    return None, accepted, None


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
                codes = [c for c in request.POST.get("tube_codes", "").replace(",", "\n").split() if c]
                bag = custody.bag_seal(
                    actor=request.user, seal_code=request.POST.get("seal_code", ""), tube_codes=codes
                )
        except FieldError as exc:
            error = exc
    recent = Bag.objects.filter(sealed_by=request.user).order_by("-sealed_at")[:20]
    return render(
        request,
        "testing/bags.html",
        {"error": error, "bag": bag, "recent": recent, "form": request.POST if error else {}},
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
                codes = [c for c in request.POST.get("tube_codes", "").replace(",", "\n").split() if c]
                received = custody.bag_receive(
                    actor=request.user, seal_code=request.POST.get("seal_code", ""), tube_codes=codes or None
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
            recall_sample(
                actor=request.user,
                recall_id=param_id(request.POST, "recall") or 0,
                tube_code=request.POST.get("tube_code", ""),
            )
            return redirect("testing:recalls")
        except FieldError as exc:
            error = exc
    qs = selectors.recalls_visible(user=request.user).select_related("round").order_by("state", "ordered_at")
    state = request.GET.get("state", "ordered")
    if state in Recall.State.values:
        qs = qs.filter(state=state)
    page, query = page_of(request, qs)
    return render(
        request,
        "testing/recalls.html",
        {"page": page, "state": state, "error": error, "states": Recall.State.choices, "query": query},
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
    from fangkong.registry.codes import person_codes_issue

    created = person_codes_issue(actor=request.user, jurisdiction_id=jurisdiction_id)
    messages.success(request, _("%(n)d personal codes issued.") % {"n": created})
    return redirect("jurisdiction", jurisdiction_id)
