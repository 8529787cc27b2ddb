"""The sampler's pages: a site's queue (a phone) and the bags sealed and handed over."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from fangkong.core import clock
from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import Code, FieldError
from fangkong.core.outbox import conflict, fingerprint, phone_time
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap
from fangkong.registry import codes

from .. import custody, selectors
from ..alone_list import alone_list_for_site
from ..collection import open_tube, tube_close
from ..collection.site import SiteScanInput, site_scan
from ..models import Bag, Tube
from .said import Refused, Said


def _tube_said(tube: Tube, *, closed_by_hand: bool = False) -> str:
    facts = {"c": tube.code, "n": tube.count, "size": tube.pool_size}
    if closed_by_hand:
        return (
            _(
                "Tube %(c)s closed with %(n)d of %(size)d: seal it in a bag for the lab."
                " The next scan starts a new tube."
            )
            % facts
        )
    if tube.closed_at is not None:
        return (
            _(
                "Tube %(c)s is full (%(n)d/%(size)d) and closed: seal it in a bag for the lab."
                " The next scan starts a new tube."
            )
            % facts
        )
    return _("Tube %(c)s: %(n)d of %(size)d.") % facts


def _scan(
    request, site_id: int, round_id: int, data: SiteScanInput
) -> tuple[Said | None, FieldError | Refused | None, Any]:
    """One scan of the page: (what to say, the refusal, the household to tick). A scan with the page's key counts
    once: sent again (a double tap, the outbox replaying it after the network came back) it gets the first
    reply. A household's code is a two-step exchange with the page and carries no key."""
    fields = data.dict()
    key, at = fields.pop("key"), phone_time(request, fields.pop("at"))  # the phone's clock corrected (core.outbox)

    def run() -> tuple[int, dict]:
        done = site_scan(actor=request.user, site_id=site_id, round_id=round_id, collected_at=at, **fields)
        reply: dict[str, Any] = {"said": None, "error": None}
        if done.error is not None:
            reply["error"] = [done.error.field, done.error.message, done.error.code]
        if done.sampled and done.tube is not None:
            who = _("Sampled.") if data.member is None else _("%(n)d of the household sampled.") % {"n": done.sampled}
            reply["said"] = ["tube_full" if done.tube_full else "sampled", f"{who} {_tube_said(done.tube)}"]
        if done.household is not None:
            reply["household"] = done.household  # shown now, never stored: no key on this path
        return 201, reply

    if key and not codes.is_household_code(data.person):
        sent = fingerprint(request, "at")  # posted online, then sent by the outbox with its time: one scan
        _status, reply = idempotent(request, f"page-sample:{site_id}", run, key=key[:64], fingerprint=sent)
    else:
        _status, reply = run()
    if "said" not in reply:  # a 409: the key came with another scan, or this one is being recorded right now
        return None, conflict(reply, "person"), None
    said = Said(*reply["said"]) if reply["said"] else None
    error = Refused(*reply["error"]) if reply["error"] else None
    return said, error, reply.get("household")


def _outbox_reply(said: Said | None, error: FieldError | Refused | None) -> JsonResponse:
    """For the page's outbox (a scan kept offline, sent now): whether it counted, and what to tell the sampler."""
    if error is not None:
        return JsonResponse({"ok": False, "code": str(error.code), "message": str(error.message)})
    return JsonResponse({"ok": True, "code": said.code if said else "", "message": said.text if said else ""})


@scoped
@require_GET
def site_alone_list(request, site_id: int):
    """Who is tested alone, as the site's page keeps it for offline (testing.alone_list)."""
    response = JsonResponse(alone_list_for_site(user=request.user, site_id=site_id))
    patch_cache_control(response, private=True, no_cache=True)
    return response


@scoped
def site_page(request, site_id: int):
    """Scan the person's code (or type the ID number), scan the tube: the open tube's count shows."""
    site = selectors.sites_workable(user=request.user).filter(pk=site_id).first()
    if site is None:
        raise NotFound
    now = clock.now()
    current = list(selectors.rounds_visible(user=request.user).filter(starts_at__lte=now, deadline__gt=now))
    round_id = param_id(request.POST, "round") or param_id(request.GET, "round") or (current[0].pk if current else 0)
    said, error, household = None, None, None
    if request.method == "POST":
        try:
            if request.POST.get("close"):
                closed = tube_close(actor=request.user, code=request.POST["close"])
                said = Said("tube_closed", _tube_said(closed, closed_by_hand=True))
            else:
                data = SiteScanInput.from_form(request.POST)
                said, error, household = _scan(request, site.pk, round_id, data)
        except FieldError as exc:
            error = exc
    if request.headers.get("X-Fangkong-Outbox") and request.method == "POST":
        if household is not None and error is None:  # a household's code asks who of them: the page must be online
            error = FieldError(
                "person",
                _("A household's code needs the network (its members are ticked on the page): take it again now."),
                code=Code.REQUIRED,
            )
        return _outbox_reply(said, error)
    tube = open_tube(actor=request.user, site_id=site.pk)
    recent = selectors.recent_at_site(site.pk)
    return render(
        request,
        "testing/site.html",
        {
            "site": site,
            "rounds": current,
            "round_id": round_id,
            "tube": tube,
            "recent": recent,
            "said": said,
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
    error, said = None, None
    if request.method == "POST":
        try:
            if request.POST.get("handover"):
                bag = custody.bag_handover(actor=request.user, seal_code=request.POST["handover"])
                said = Said(
                    "bag_handed_over",
                    _("Bag %(s)s handed over to transport at %(t)s. Next: the lab receives it and checks the seal.")
                    % {"s": bag.seal_code, "t": clock.localtime(bag.handed_over_at or clock.now())},
                )
            else:
                data = custody.BagSealInput.from_form(request.POST)
                bag = custody.bag_seal(actor=request.user, **data.dict())
                codes = sorted(bag.tubes.values_list("code", flat=True))
                holds = ngettext(
                    "It holds %(n)d tube: %(codes)s. Next: hand it over to transport, or straight to the lab.",
                    "It holds %(n)d tubes: %(codes)s. Next: hand it over to transport, or straight to the lab.",
                    len(codes),
                ) % {"n": len(codes), "codes": ", ".join(codes)}
                sealed = _("Bag %(s)s recorded.") % {"s": bag.seal_code}
                said = Said("bag_sealed", f"{sealed} {holds}")
        except FieldError as exc:
            error = exc
    recent = Bag.objects.filter(sealed_by=request.user).order_by("-sealed_at")[:20]
    return render(
        request,
        "testing/bags.html",
        {"error": error, "said": said, "recent": recent, "form": request.POST if error else {}},
        status=400 if error else 200,
    )
