"""HQ's pool sizes for a round: the plan per grid (pool_plan) and the choice (pool_choice)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fangkong.core.decorators import scoped
from fangkong.core.errors import FieldError
from fangkong.core.paging import page_of
from fangkong.core.params import param_id

from ..pool_choice import RoundPoolSizesChooseInput, round_pool_sizes_choose
from ..pool_plan import pool_plan, size_words
from ..pooling import MIN_POOLS


@scoped
def round_pools(request, round_id: int):
    """The grids of the round within reach: the last round's figures, the suggestion, what each size costs; HQ
    chooses for the grids ticked or for all of them."""
    area = param_id(request.GET, "jurisdiction")
    error = None
    if request.method == "POST":
        try:
            data = RoundPoolSizesChooseInput.from_form(request.POST, jurisdiction=area)
            sizes = round_pool_sizes_choose(actor=request.user, round_id=round_id, **data.dict())
            grids = sum(sizes.values())
            said = ngettext(
                "People per tube chosen for %(n)d grid: %(sizes)s.",
                "People per tube chosen for %(n)d grids: %(sizes)s.",
                grids,
            ) % {
                "n": grids,
                "sizes": _(", ").join(
                    ngettext("%(size)s for %(k)d grid", "%(size)s for %(k)d grids", k) % {"size": size_words(s), "k": k}
                    for s, k in sizes.items()
                ),
            }
            said += " " + _(
                "Tubes opened from now on for their residents hold these sizes; tubes already open keep theirs."
            )
            messages.success(request, said, extra_tags="pool_sizes_chosen")
            return redirect(request.get_full_path())
        except FieldError as exc:
            error = exc
    plan = pool_plan(user=request.user, round_id=round_id, jurisdiction_id=area)
    page, query = page_of(request, plan.grids)
    return render(
        request,
        "testing/pools.html",
        {
            "plan": plan,
            "page": page,
            "query": query,
            "within": plan.area,
            "error": error,
            "sizes": [(s, size_words(s)) for s in plan.allowed],
            "fits_pair": (plan.fits(plan.suggested), plan.fits(plan.decided)),
            "min_pools": MIN_POOLS,
        },
        status=400 if error else 200,
    )
