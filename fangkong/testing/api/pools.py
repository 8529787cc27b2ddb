"""A round's pool sizes per grid: the plan (suggestions and what they imply) and HQ's choice."""

from __future__ import annotations

from ninja import Schema

from fangkong.core.api import page_params
from fangkong.registry.api import Ref

from .. import pooling
from ..pool_choice import RoundPoolSizesChooseInput, round_pool_sizes_choose
from ..pool_plan import Figures, GridPlan, Plan, pool_plan
from . import ERRORS, router


class LoadOut(Schema):
    people: int
    tubes: int
    positive_pools: float | None  # None: positivity unknown (no data)
    recalls: float | None
    lab_tubes: float
    lab_hours: float | None  # None: no laboratory capacity known


class TotalOut(LoadOut):
    grids_without_data: int
    fits_limit: bool | None


class HouseholdsOut(Schema):
    households: int
    mean_size: float | None
    sizes: dict[str, int]  # household size → households (the register)
    tubes: int  # one household per tube throughout
    tests_per_person: float | None


class GridPoolOut(Schema):
    grid: Ref
    community: Ref | None
    sampled: int
    pools: int
    positive_pools: int
    mean_pool_size: float | None
    positivity: float | None
    basis: str  # estimate | thin | no_data
    suggested: int
    unconstrained_best: int | None
    chosen: int | None
    size: int  # what tubes for the grid hold: chosen, else the round's
    implied: LoadOut  # at the suggested size
    decided: LoadOut  # at the size in force
    one_household_per_tube: HouseholdsOut


class PoolPlanOut(Schema):
    round: Ref
    basis_round: Ref | None
    allowed_sizes: list[int]
    default_size: int
    min_pools: int
    limit_hours: int
    labs: int
    tubes_per_hour: int
    suggested: TotalOut
    decided: TotalOut
    grids: list[GridPoolOut]
    count: int


def _load(figures: Figures) -> dict:
    unknown = bool(figures.unknown) and figures.people > 0
    return {
        "people": figures.people,
        "tubes": figures.tubes,
        "positive_pools": None if unknown else round(figures.positive_pools, 3),
        "recalls": None if unknown else round(figures.recalls, 3),
        "lab_tubes": round(figures.lab_tubes, 3),
        "lab_hours": None if figures.lab_hours is None else round(figures.lab_hours, 3),
    }


def _grid(r: GridPlan) -> dict:
    homes = r.households_load or pooling.Load(0, 0, None, None)
    parent = r.grid.parent
    return {
        "grid": {"id": r.grid.pk, "name": r.grid.name},
        "community": {"id": parent.pk, "name": parent.name} if parent else None,
        "sampled": r.sampled,
        "pools": r.pools,
        "positive_pools": r.positive_pools,
        "mean_pool_size": None if r.mean_size is None else round(r.mean_size, 3),
        "positivity": None if r.positivity is None else round(r.positivity, 6),
        "basis": r.basis.value,
        "suggested": r.suggested,
        "unconstrained_best": r.unconstrained,
        "chosen": r.chosen,
        "size": r.size,
        "implied": _load(r.suggested_load),
        "decided": _load(r.decided_load),
        "one_household_per_tube": {
            "households": r.households,
            "mean_size": None if r.mean_household is None else round(r.mean_household, 3),
            "sizes": {str(k): v for k, v in sorted(r.household_sizes.items())},
            "tubes": homes.tubes,
            "tests_per_person": None if r.households_per_person is None else round(r.households_per_person, 4),
        },
    }


def _total(plan: Plan, figures: Figures) -> dict:
    return {**_load(figures), "grids_without_data": figures.unknown, "fits_limit": plan.fits(figures)}


@router.get("/testing/rounds/{int:round_id}/pool-sizes", response={200: PoolPlanOut, **ERRORS})
def round_pool_sizes(
    request, round_id: int, jurisdiction: int | None = None, page: int = 1, page_size: int | None = None
):
    """HQ: per grid of the round (under `jurisdiction`, else all within reach) the last completed round's positivity,
    the suggested pool size (Dorfman's optimum among 1, 5, 10, 20; the round's size with no or too little data),
    what it implies — tubes, positive pools, recalls, lab hours — and the district's totals against the limit."""
    plan = pool_plan(user=request.user, round_id=round_id, jurisdiction_id=jurisdiction)
    number, size = page_params(page, page_size)
    rows = plan.grids[(number - 1) * size : number * size]
    basis = plan.basis_round
    return {
        "round": {"id": plan.round.pk, "name": plan.round.name},
        "basis_round": {"id": basis.pk, "name": basis.name} if basis else None,
        "allowed_sizes": list(plan.allowed),
        "default_size": plan.round.pool_size,
        "min_pools": pooling.MIN_POOLS,
        "limit_hours": plan.limit_hours,
        "labs": plan.labs,
        "tubes_per_hour": plan.tubes_per_hour,
        "suggested": _total(plan, plan.suggested),
        "decided": _total(plan, plan.decided),
        "grids": [_grid(r) for r in rows],
        "count": len(plan.grids),
    }


class PoolSizesChosenOut(Schema):
    grids: int
    sizes: dict[str, int]  # people per tube → grids set to it


@router.post("/testing/rounds/{int:round_id}/pool-sizes", response={200: PoolSizesChosenOut, **ERRORS})
def round_pool_sizes_choose_api(request, round_id: int, payload: RoundPoolSizesChooseInput):
    """HQ decides: `pool_size` for the `grids` listed (or `all_grids`); without `pool_size` each grid takes its
    suggestion. Tubes opened afterwards for the grids' residents hold the size chosen."""
    sizes = round_pool_sizes_choose(actor=request.user, round_id=round_id, **payload.dict())
    return {"grids": sum(sizes.values()), "sizes": {str(k): v for k, v in sizes.items()}}
