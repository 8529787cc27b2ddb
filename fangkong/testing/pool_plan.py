"""The pool size that fits each grid for a round (issue 19, point 8): read from the last completed round's pools,
with what each choice costs — tubes, positive pools, people to recall, lab hours — against the round's limit.

For each grid in the planner's reach (and the round's scope):
- the last round: people sampled, resulted pools with a member from the grid (a pool spanning two grids counts in
  both), positive ones, their mean occupancy, and the individual positivity read from them (pooling.py);
- the suggestion: Dorfman's optimum among the sizes sites may fill — or the round's own size when there is no
  resulted pool ("no data") or fewer than `pooling.MIN_POOLS` ("too few pools to tell");
- what it implies for the new round: the grid's residents (the register) in tubes of that size, except those living
  in the round's one-household-per-tube compounds, who fill a tube per household whatever the size; the expected
  positive pools and recalls at the positivity read; lab tubes (recall retests are single tubes too);
- apart, the grid tested one household per tube throughout (as if sealed), from the register's household sizes.
The labs' tubes per hour (their units' 实验室产能, set by HQ) turn the district's tubes into hours, held against the
round's result limit (24 h for mass screening). HQ decides: `pool_choice.round_pool_sizes_choose` stores it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core import clock
from fangkong.core.bulk import select_rows
from fangkong.core.roles import Cap
from fangkong.core.scoping import NotFound, scope_for
from fangkong.registry.models import Jurisdiction, Person, Place, Unit

from . import pooling
from .models import LabCapacity, Round, RoundPoolSize, Sample, Tube
from .selectors import round_get


class Basis(StrEnum):
    """What a grid's suggestion rests on."""

    ESTIMATE = "estimate"  # enough resulted pools: Dorfman's optimum at the positivity read
    THIN = "thin"  # some pools, too few to act on: the round's size
    NO_DATA = "no_data"  # no resulted pool in the last round: the round's size

    @property
    def label(self):
        return BASIS_LABELS[self]


BASIS_LABELS = {
    Basis.ESTIMATE: _("From the last round"),
    Basis.THIN: _("Too few pools to tell"),
    Basis.NO_DATA: _("No data"),
}


def size_words(size: int) -> str:
    """1 → 单采, n → n合1."""
    return gettext("single tube") if size == 1 else gettext("%(n)d-in-1") % {"n": size}


@dataclass
class Figures:
    """A round's load at some sizes: people, tubes, expected positive pools and recalls, lab tubes and hours."""

    people: int = 0
    tubes: int = 0
    positive_pools: float = 0.0
    recalls: float = 0.0
    unknown: int = 0  # grids whose positivity is not known: their positives and recalls are not counted
    lab_hours: float | None = None

    @property
    def lab_tubes(self) -> float:
        return self.tubes + self.recalls

    def add(self, load: pooling.Load) -> None:
        self.people += load.people
        self.tubes += load.tubes
        self.positive_pools += load.positive_pools or 0.0
        self.recalls += load.recalls or 0.0


@dataclass
class GridPlan:
    grid: Jurisdiction
    residents: int  # the register's, within the round's scope: the new round's people
    sampled: int  # in the last round
    pools: int  # resulted pools of the last round holding someone of the grid
    positive_pools: int
    mean_size: float | None
    positivity: float | None  # individual, estimated from the pools
    basis: Basis
    suggested: int
    unconstrained: int | None  # the best whole size, 1 to 100 (None at zero positivity: the bigger the better)
    chosen: int | None  # HQ's choice for this round
    household_sizes: dict[int, int]  # household size → households, the whole grid (the register)
    sealed_sizes: dict[int, int]  # the same, in the round's one-household-per-tube compounds
    suggested_load: Figures = field(default_factory=Figures)
    decided_load: Figures = field(default_factory=Figures)
    households_load: pooling.Load | None = None  # the grid as if sealed: one household per tube throughout
    default: int = 10  # the round's own size

    @property
    def size(self) -> int:
        """The size tubes opened for the grid's residents will hold."""
        return self.chosen or self.default

    @property
    def suggested_words(self) -> str:
        return size_words(self.suggested)

    @property
    def chosen_words(self) -> str:
        return size_words(self.chosen) if self.chosen else ""

    @property
    def positivity_percent(self) -> float | None:
        return None if self.positivity is None else 100 * self.positivity

    @property
    def households(self) -> int:
        return sum(self.household_sizes.values())

    @property
    def mean_household(self) -> float | None:
        people = sum(s * n for s, n in self.household_sizes.items())
        return people / self.households if self.households else None

    @property
    def households_per_person(self) -> float | None:
        """Expected tests per person, one household per tube (from the household sizes)."""
        load = self.households_load
        return load.lab_tubes / load.people if load and load.people else None


@dataclass
class Plan:
    round: Round
    basis_round: Round | None
    area: Jurisdiction | None
    grids: list[GridPlan]
    limit_hours: int
    labs: int  # labs with a known capacity
    tubes_per_hour: int  # their sum
    allowed: tuple[int, ...] = pooling.ALLOWED_SIZES
    suggested: Figures = field(default_factory=Figures)
    decided: Figures = field(default_factory=Figures)

    def fits(self, figures: Figures) -> bool | None:
        """Whether the round's lab work fits its limit (None: no lab capacity known)."""
        return None if figures.lab_hours is None else figures.lab_hours <= self.limit_hours


def basis_round_for(round_: Round) -> Round | None:
    """The last completed round before this one: started earlier, its deadline passed."""
    return (
        Round.objects.exclude(pk=round_.pk)
        .filter(starts_at__lt=round_.starts_at, deadline__lte=clock.now())
        .order_by("-deadline", "-pk")
        .first()
    )


def lab_capacity() -> tuple[int, int]:
    """(labs with a capacity, their tubes per hour together): labs are the district's, all counted."""
    labs = LabCapacity.objects.filter(unit__kind=Unit.Kind.LAB)
    return labs.count(), int(labs.aggregate(n=Sum("tubes_per_hour"))["n"] or 0)


def _prefixes(column: str, paths: list[str]) -> tuple[str, list[str]]:
    """`column` under any of `paths` (SQL), for raw reads over millions of rows."""
    if not paths:
        return "1 = 1", []
    return "(" + " OR ".join(f"{column} LIKE %s" for _ in paths) + ")", [p + "%" for p in paths]


def _within(reach: list[str], scope: list[str]) -> list[str]:
    """The subtrees under both one of `reach` and one of the round's `scope` (empty: the whole district)."""
    if not scope:
        return reach
    both = {r if r.startswith(s) else s for r in reach for s in scope if r.startswith(s) or s.startswith(r)}
    return sorted(p for p in both if not any(p != q and p.startswith(q) for q in both))


class _GridOf:
    """The grid of a person's or a sample's path: the path itself, or the grid above a finer one."""

    def __init__(self, grids: dict[str, Jurisdiction]) -> None:
        self.grids = grids
        self.memo: dict[str, str | None] = {}

    def __call__(self, jpath: str) -> str | None:
        found = self.memo.get(jpath, 0)
        if found != 0:
            return found  # type: ignore[return-value]
        path = jpath
        result = None
        while path:
            if path in self.grids:
                result = path
                break
            path = path[: path.rstrip("/").rfind("/") + 1]
        self.memo[jpath] = result
        return result


def _last_round(basis: Round, where: str, params: list) -> dict[str, list]:
    """path → [sampled, resulted pools, positive pools, people in the resulted pools] of the basis round."""
    sample, tube = Sample._meta.db_table, Tube._meta.db_table
    out: dict[str, list] = {}
    # One row per (path, tube) first: a tube's count is its own, not multiplied by its members from the path.
    for jpath, result, tubes, people, members in select_rows(
        f"SELECT jpath, result, count(*), sum(n), sum(here) FROM (SELECT s.jpath AS jpath, t.result AS result,"
        f" t.count AS n, count(*) AS here FROM {sample} s JOIN {tube} t ON t.id = s.tube_id"
        f" WHERE s.round_id = %s AND NOT s.retest AND {where} GROUP BY s.jpath, s.tube_id, t.result, t.count) x"
        " GROUP BY jpath, result",
        [basis.pk, *params],
    ):
        row = out.setdefault(jpath, [0, 0, 0, 0])
        row[0] += int(members)
        if result in (Tube.Result.NEGATIVE, Tube.Result.POSITIVE):
            row[1] += int(tubes)
            row[3] += int(people)
            if result == Tube.Result.POSITIVE:
                row[2] += int(tubes)
    return out


def _households(where: str, params: list, sealed_ids: list[int]) -> list[tuple[str, bool, bool, int, int]]:
    """(path, without a household, in a one-household-per-tube compound, household size, households) from the
    register's residents."""
    person, place = Person._meta.db_table, Place._meta.db_table
    sealed, sealed_params = "FALSE", []
    if sealed_ids:
        marks = ", ".join(["%s"] * len(sealed_ids))
        sealed = (
            f"EXISTS (SELECT 1 FROM {place} h JOIN {place} b ON b.id = h.parent_id WHERE h.id = p.household_id"
            f" AND (b.id IN ({marks}) OR b.parent_id IN ({marks})))"
        )
        sealed_params = [*sealed_ids, *sealed_ids]
    rows = select_rows(
        f"SELECT jpath, loose, sealed, n, count(*) FROM (SELECT p.jpath AS jpath, p.household_id IS NULL AS loose,"
        f" {sealed} AS sealed, count(*) AS n FROM {person} p WHERE p.is_resident AND {where}"
        " GROUP BY p.jpath, p.household_id) x GROUP BY jpath, loose, sealed, n",
        [*sealed_params, *params],
    )
    return [(j, bool(loose), bool(s), int(n), int(c)) for j, loose, s, n, c in rows]


def pool_plan(*, user, round_id: int, jurisdiction_id: int | None = None) -> Plan:
    """The plan for the round's grids within the planner's reach (under `jurisdiction_id` when given)."""
    admin = scope_for(user, Cap.TESTING_ADMIN)
    if admin.empty:
        raise NotFound  # planning a round is HQ's: for anyone else it is not there
    round_ = round_get(user=user, round_id=round_id)
    area = None
    if jurisdiction_id is not None:
        area = Jurisdiction.objects.filter(admin.q("path"), pk=jurisdiction_id).first()
        if area is None:
            raise NotFound
    paths = _within([area.path] if area else list(admin.paths), list(round_.scope.values_list("path", flat=True)))
    grid_rows = Jurisdiction.objects.filter(level=Jurisdiction.Level.GRID, retired_on__isnull=True)
    grids: dict[str, Jurisdiction] = {}
    for path in paths:
        for g in grid_rows.filter(path__startswith=path).select_related("parent").order_by("path"):
            grids[g.path] = g
    grid_of = _GridOf(grids)
    where, params = _prefixes("s.jpath", paths)
    basis = basis_round_for(round_)
    by_path_last = _last_round(basis, where, params) if basis and grids else {}
    where, params = _prefixes("p.jpath", paths)
    sealed_ids = list(round_.household_places.values_list("pk", flat=True))
    register = _households(where, params, sealed_ids) if grids else []
    chosen = dict(
        RoundPoolSize.objects.filter(round=round_, jurisdiction__in=[g.pk for g in grids.values()]).values_list(
            "jurisdiction_id", "pool_size"
        )
    )

    last: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0])
    for jpath, counts in by_path_last.items():
        at = grid_of(jpath)
        if at:
            acc = last[at]
            for i in range(4):
                acc[i] += counts[i]
    residents: dict[str, int] = defaultdict(int)
    households: dict[str, dict[int, int]] = defaultdict(dict)
    sealed: dict[str, dict[int, int]] = defaultdict(dict)
    for jpath, loose, in_sealed, n, count in register:
        at = grid_of(jpath)
        if not at:
            continue
        residents[at] += n * count
        if loose:
            continue
        households[at][n] = households[at].get(n, 0) + count
        if in_sealed:
            sealed[at][n] = sealed[at].get(n, 0) + count

    labs, per_hour = lab_capacity()
    plan = Plan(
        round=round_,
        basis_round=basis,
        area=area,
        grids=[],
        limit_hours=round_.result_limit_hours,
        labs=labs,
        tubes_per_hour=per_hour,
    )
    default = round_.pool_size
    for path, grid in grids.items():
        sampled, pools, positive, pooled = last.get(path, (0, 0, 0, 0))
        mean = pooled / pools if pools else None
        p = pooling.estimate_positivity(pools=pools, positive=positive, mean_size=mean or 0)
        if not pools:
            basis_kind, suggested = Basis.NO_DATA, default
        elif pools < pooling.MIN_POOLS:
            basis_kind, suggested = Basis.THIN, default
        else:
            basis_kind, suggested = Basis.ESTIMATE, pooling.best_size(p or 0.0)
        row = GridPlan(
            grid=grid,
            residents=residents.get(path, 0),
            sampled=sampled,
            pools=pools,
            positive_pools=positive,
            mean_size=mean,
            positivity=p,
            basis=basis_kind,
            suggested=suggested,
            unconstrained=pooling.unconstrained_best(p) if p is not None else None,
            chosen=chosen.get(grid.pk),
            household_sizes=households.get(path, {}),
            sealed_sizes=sealed.get(path, {}),
            default=default,
        )
        # Positivity acted on only where the estimate is; elsewhere the positives are left unknown, not zero.
        known = p if basis_kind != Basis.NO_DATA else None
        row.suggested_load = _load(row, suggested, known)
        row.decided_load = _load(row, row.size, known)
        row.households_load = pooling.household_load(row.household_sizes, known)
        for total, load in ((plan.suggested, row.suggested_load), (plan.decided, row.decided_load)):
            total.people += load.people
            total.tubes += load.tubes
            total.positive_pools += load.positive_pools
            total.recalls += load.recalls
            total.unknown += load.unknown
        plan.grids.append(row)
    for figures in (plan.suggested, plan.decided, *(r.suggested_load for r in plan.grids)):
        figures.lab_hours = figures.lab_tubes / per_hour if per_hour else None
    for done in plan.grids:
        done.decided_load.lab_hours = row.decided_load.lab_tubes / per_hour if per_hour else None
    return plan


def _load(row: GridPlan, size: int, p: float | None) -> Figures:
    """The grid's new round at `size`: the residents outside one-household compounds pooled, those inside one
    household per tube."""
    in_sealed = pooling.household_load(row.sealed_sizes, p)
    pooled = pooling.pooled_load(max(row.residents - in_sealed.people, 0), size, p)
    figures = Figures(unknown=1 if p is None else 0)
    figures.add(pooled)
    figures.add(in_sealed)
    return figures
