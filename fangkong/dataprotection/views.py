"""District HQ's retention page: the period of each class of personal data, what happens at its end, what is
held back, and when it last ran. Thin: parse, call the service, render."""

from __future__ import annotations

from django.shortcuts import redirect, render

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError

from . import selectors, services


@scoped
def retention_page(request):
    error = None
    if request.method == "POST":
        try:
            data = services.RetentionPeriodUpdateInput.from_form(request.POST)
            services.retention_period_update(
                actor=request.user, data_class=request.POST.get("data_class", ""), days=data.days
            )
            return redirect("dataprotection:retention")
        except FieldError as exc:
            error = exc
    return render(
        request,
        "dataprotection/retention.html",
        {
            "rows": selectors.periods(user=request.user),
            "can_edit": selectors.retention_editable(user=request.user),
            "error": error,
            "failed": request.POST.get("data_class", "") if error else "",
            "district_code": services.district_code(),
        },
        status=400 if error else 200,
    )
