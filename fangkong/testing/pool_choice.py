"""HQ's decision on people per tube, grid by grid, for a round — and what sampling reads of it.

The plan (pool_plan) only suggests; a size holds for a grid once HQ chooses it here, audited with the suggestion it
was chosen beside. A tube opened for a resident of a chosen grid then holds the chosen number (collection): the
first person into a tube decides its size, as their household or their being tested alone already does.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.errors import Code, FieldError
from fangkong.core.forms import FormInput

from . import pooling
from .models import Round, RoundPoolSize
from .pool_plan import pool_plan


class RoundPoolSizesChooseInput(FormInput):
    """HQ's choice: `pool_size` (1, 5, 10 or 20; left out: each grid its suggestion) for the `grids` listed, or for
    every grid of the plan (`all_grids`, under `jurisdiction` when given)."""

    grids: list[int] = []
    all_grids: bool = False
    pool_size: int | None = None
    jurisdiction: int | None = None


@transaction.atomic
def round_pool_sizes_choose(
    *,
    actor,
    round_id: int,
    grids: list[int] | None = None,
    all_grids: bool = False,
    pool_size: int | None = None,
    jurisdiction: int | None = None,
) -> dict[int, int]:
    """Store the size for each grid chosen; returns size → grids set to it."""
    plan = pool_plan(user=actor, round_id=round_id, jurisdiction_id=jurisdiction)  # 404 outside reach
    round_ = Round.objects.select_for_update().get(pk=plan.round.pk)  # one decision at a time per round
    if round_.deadline <= clock.now():
        raise FieldError(
            "round", _("This round has ended: its pool sizes are no longer chosen."), code=Code.WRONG_STATE
        )
    if pool_size is not None and pool_size not in pooling.ALLOWED_SIZES:
        raise FieldError("pool_size", _("People per tube: 1, 5, 10 or 20."), code=Code.UNKNOWN_CHOICE)
    rows = {r.grid.pk: r for r in plan.grids}
    if all_grids:
        chosen = list(rows.values())
    else:
        wanted = list(dict.fromkeys(grids or []))
        if not wanted:
            raise FieldError("grids", _("Choose the grids, or all of them."), code=Code.REQUIRED)
        if any(g not in rows for g in wanted):
            raise FieldError(
                "grids", _("A grid is unknown, outside your jurisdiction or outside the round."), code=Code.NOT_FOUND
            )
        chosen = [rows[g] for g in wanted]
    if not chosen:
        raise FieldError("grids", _("There is no grid to choose for here."), code=Code.REQUIRED)
    now = clock.now()
    existing = {r.jurisdiction_id: r for r in RoundPoolSize.objects.filter(round=round_)}
    new: list[RoundPoolSize] = []
    changed: list[RoundPoolSize] = []
    sizes: Counter[int] = Counter()
    before: dict[str, int | None] = {}
    for row in chosen:
        size = pool_size or row.suggested
        sizes[size] += 1
        kept = existing.get(row.grid.pk)
        before[row.grid.code] = kept.pool_size if kept else None
        if kept is None:
            new.append(
                RoundPoolSize(
                    round=round_,
                    jurisdiction=row.grid,
                    jpath=row.grid.path,
                    pool_size=size,
                    suggested=row.suggested,
                    chosen_by=actor,
                    chosen_at=now,
                )
            )
        else:
            kept.pool_size, kept.suggested, kept.chosen_by, kept.chosen_at = size, row.suggested, actor, now
            kept.jpath = row.grid.path
            changed.append(kept)
    RoundPoolSize.objects.bulk_create(new, batch_size=1000)
    RoundPoolSize.objects.bulk_update(
        changed, ["pool_size", "suggested", "chosen_by", "chosen_at", "jpath"], batch_size=1000
    )
    few = len(chosen) <= 50  # a handful of grids by name; a city's thousands by their count
    audit_record(
        actor=actor,
        action="testing.round_pool_sizes",
        obj=round_,
        fields={
            "grids": len(chosen),
            "pool_size": pool_size if pool_size is not None else "suggested",
            "sizes": {str(k): v for k, v in sorted(sizes.items())},
            **({"chosen": {r.grid.code: pool_size or r.suggested for r in chosen}, "before": before} if few else {}),
        },
    )
    return dict(sorted(sizes.items()))


def pool_sizes_of(round_id: int) -> dict[str, int]:
    """Grid path → people per tube chosen for the round (empty: the round's size everywhere)."""
    return dict(RoundPoolSize.objects.filter(round_id=round_id).values_list("jpath", "pool_size"))


def size_at(jpath: str, sizes: dict[str, int], default: int) -> int:
    """The size chosen for the grid a resident's path lies in (or above it), else `default`."""
    path = jpath
    while path:
        size = sizes.get(path)
        if size:
            return size
        path = path[: path.rstrip("/").rfind("/") + 1]
    return default
