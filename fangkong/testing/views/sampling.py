"""The sampler's pages: a site's queue (a phone) and the bags sealed and handed over."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core import clock
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import Forbidden, NotFound, has_cap

from .. import custody, selectors
from ..collection import open_tube, tube_close
from ..collection.site import SiteScanInput, site_scan
from ..models import Bag, Tube
from .said import Said


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
                done = site_scan(actor=request.user, site_id=site.pk, round_id=round_id, **data.dict())
                household, error = done.household, done.error
                if done.sampled and done.tube is not None:
                    who = (
                        _("Sampled.")
                        if data.member is None
                        else _("%(n)d of the household sampled.") % {"n": done.sampled}
                    )
                    said = Said("tube_full" if done.tube_full else "sampled", f"{who} {_tube_said(done.tube)}")
        except FieldError as exc:
            error = exc
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
