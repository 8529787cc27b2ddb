"""The market regulator's page: the public's price reports."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.params import param_id
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, has_cap

from .. import selectors, services
from ..models import PriceReport


@scoped
def prices(request):
    if not has_cap(request.user, Cap.PRICE_WATCH):
        raise NotFound
    if request.method == "POST":
        try:
            data = services.PriceReportDecideInput.from_form(request.POST)
            services.price_report_decide(
                actor=request.user, report_id=param_id(request.POST, "report") or 0, **data.dict()
            )
            messages.success(request, _("Saved."))
        except FieldError as exc:
            messages.error(request, exc.message)
        return redirect("livelihood:prices")
    return render(
        request,
        "livelihood/prices.html",
        {"reports": selectors.price_reports_visible(user=request.user)[:300], "states": PriceReport.State},
    )


urlpatterns = [
    path("prices/", prices, name="prices"),
]
