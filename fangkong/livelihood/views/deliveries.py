"""The community's deliveries page: open requests by building (special needs first) packed at a stock point for a
courier; deliveries packed and on the way, sent out, and confirmed at the door with the recipient's code."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core.api import idempotent
from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from .. import deliveries, selectors, stock
from ..deliveries.writing import LINES_PER_REQUEST
from ..models import Delivery, Volunteer


def _context(request, **extra) -> dict:
    waiting = list(deliveries.requests_to_pack(user=request.user)[:300])
    under_way = list(
        deliveries.deliveries_visible(user=request.user)
        .exclude(state=Delivery.State.DONE)
        .prefetch_related("requests__person", "requests__lines__goods")[:100]
    )
    return {
        "batches": deliveries.by_building(waiting),
        "under_way": under_way,
        "points": stock.stock_points_visible(user=request.user).filter(active=True),
        "goods": stock.goods_all(user=request.user),
        "volunteers": selectors.volunteers_visible(user=request.user).filter(state=Volunteer.State.ACCEPTED)[:200],
        "rows": range(1, LINES_PER_REQUEST + 1),
        "key": uuid.uuid4().hex,
        "form": {},
        **extra,
    }


@scoped
def deliveries_page(request):
    if not has_cap(request.user, Cap.LIVELIHOOD_WORK):
        raise NotFound
    if request.method != "POST":
        return render(request, "livelihood/deliveries.html", _context(request))
    action = request.POST.get("action", "")
    try:
        if action == "dispatch":
            deliveries.delivery_dispatch(actor=request.user, delivery_id=param_id(request.POST, "delivery") or 0)
            messages.success(request, _("On the way: the households are told, with their door codes."))
        elif action == "confirm":
            data = deliveries.SupplyRequestConfirmInput.from_form(request.POST)
            r = deliveries.supply_request_confirm(
                actor=request.user, request_id=param_id(request.POST, "request") or 0, **data.dict()
            )
            messages.success(request, _("Delivered to %(name)s, confirmed with their code.") % {"name": r.person.name})
        else:
            data = deliveries.DeliveryPackInput.from_form(request.POST)

            def run() -> tuple[int, dict]:
                d = deliveries.delivery_pack(actor=request.user, **data.dict())
                return 201, {"delivery": d.pk, "requests": d.requests.count(), "courier": d.courier}

            _status, body = idempotent(request, "page-delivery", run, key=request.POST.get("key", "")[:64])
            messages.success(
                request,
                _("Packed %(n)s requests for %(courier)s; send them out when the courier leaves.")
                % {"n": body.get("requests", 0), "courier": body.get("courier", "")},
            )
    except FieldError as exc:
        context = _context(request, error=exc, action=action or "pack", form=request.POST)
        return render(request, "livelihood/deliveries.html", context, status=400)
    return redirect("livelihood:deliveries")


urlpatterns = [path("deliveries/", deliveries_page, name="deliveries")]
