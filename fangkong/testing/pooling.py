"""Dorfman's two-stage pooling, as arithmetic: no database, no Django.

A pool of n swabs is tested once; if it is positive each of its n people is recalled and tested alone. With
individual positivity p (independent people) a pool is negative with probability (1 − p)^n, so the expected tests
per person are

    E(n, p) = 1/n + 1 − (1 − p)^n          (n ≥ 2; a single tube is exactly one test: E(1, p) = 1)

The optimum n minimises E: about 10-in-1 at 1 % positivity, smaller as p rises, and from about 30 % no pool beats
testing everyone alone (E(n, p) ≥ 1 for every n ≥ 2). Labs may not re-pool (domain brief), so a size is chosen
once, before sampling, from what the last round says about p.

p is read from the last round's pools: a pool of n is positive with probability 1 − (1 − p)^n, so from the share
r of pools that came back positive, p̂ = 1 − (1 − r)^(1/n). With pools of unequal sizes (a tube closed before it
was full) n is their mean occupancy — exact when the pools were full, close otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ALLOWED_SIZES: tuple[int, ...] = (1, 5, 10, 20)  # what sites may fill (rounds.POOL_SIZES; re-pooling is not allowed)
MAX_SIZE = 100  # the search bound of the unconstrained optimum: no lab pools beyond it
# Fewer resulted pools than this in a grid and its estimate is shown but not acted on: twenty pools at 10-in-1
# and 1 % positivity hold about two positives — fewer cannot tell 1 % from 5 %.
MIN_POOLS = 20


def expected_tests(n: int, p: float) -> float:
    """Dorfman's expected tests per person for pools of n at individual positivity p."""
    if n < 1:
        raise ValueError("a pool holds at least one person")
    if not 0.0 <= p <= 1.0:
        raise ValueError("positivity is a share between 0 and 1")
    if n == 1:
        return 1.0  # tested alone: no second stage
    return 1.0 / n + 1.0 - (1.0 - p) ** n


def best_size(p: float, sizes: Iterable[int] = ALLOWED_SIZES) -> int:
    """The size among `sizes` with the fewest expected tests per person; on a tie the smaller (fewer recalls)."""
    options = sorted(set(sizes))
    if not options:
        raise ValueError("no pool size to choose from")
    return min(options, key=lambda n: (round(expected_tests(n, p), 12), n))


def unconstrained_best(p: float, max_size: int = MAX_SIZE) -> int | None:
    """The best whole pool size from 1 to `max_size`; None at p = 0, where a bigger pool is always better."""
    if p <= 0:
        return None
    # E(n, p) falls then rises over n ≥ 2 (one minimum, near 1/√p): walk up to it instead of trying all sizes — a
    # city's plan asks this for ten thousand grids.
    n, cost = 2, expected_tests(2, p)
    while n < max_size:
        following = expected_tests(n + 1, p)
        if following >= cost:
            break
        n, cost = n + 1, following
    return n if cost < 1.0 else 1


def estimate_positivity(*, pools: int, positive: int, mean_size: float) -> float | None:
    """Individual positivity from pool positivity: p̂ = 1 − (1 − r)^(1/n), r = positive/pools, n the mean pool
    occupancy. None without a resulted pool."""
    if pools <= 0 or mean_size <= 0:
        return None
    if not 0 <= positive <= pools:
        raise ValueError("positive pools are some of the pools")
    share = positive / pools
    if share >= 1.0:
        return 1.0  # every pool positive: p is as high as it can be read
    return 1.0 - (1.0 - share) ** (1.0 / mean_size)


def positive_probability(n: int, p: float) -> float:
    """The chance that a pool of n is positive."""
    return 1.0 - (1.0 - p) ** n


@dataclass(frozen=True)
class Load:
    """What a round costs in one place at a pool size: tubes to the lab, expected positive pools, people to recall
    (each a single tube more for the lab)."""

    people: int
    tubes: int
    positive_pools: float | None  # None: positivity unknown
    recalls: float | None

    @property
    def lab_tubes(self) -> float:
        return self.tubes + (self.recalls or 0.0)


def pooled_load(people: int, n: int, p: float | None) -> Load:
    """`people` in pools of n: ceil(people/n) tubes, each positive with 1 − (1 − p)^n; a positive pool of two or
    more recalls every member (a positive single tube is already the person's own result)."""
    tubes = math.ceil(people / n) if people > 0 else 0
    if p is None:
        return Load(people, tubes, None, None)
    if tubes == 0:
        return Load(people, 0, 0.0, 0.0)
    full, rest = divmod(people, n)
    positives = full * positive_probability(n, p) + (positive_probability(rest, p) if rest else 0.0)
    recalls = 0.0
    if n > 1:
        recalls = full * n * positive_probability(n, p) + (rest * positive_probability(rest, p) if rest > 1 else 0.0)
    return Load(people, tubes, positives, recalls)


def household_load(sizes: Mapping[int, int], p: float | None, cap: int = ALLOWED_SIZES[-1]) -> Load:
    """One household per tube (a sealed compound): `sizes` maps a household size to how many households have it;
    a household bigger than `cap` (the largest pool a lab accepts) fills further tubes."""
    people = sum(size * count for size, count in sizes.items())
    tubes = sum(math.ceil(size / cap) * count for size, count in sizes.items() if size > 0)
    if p is None:
        return Load(people, tubes, None, None)
    positives = recalls = 0.0
    for size, count in sizes.items():
        full, rest = divmod(size, cap)
        for members, times in ((cap, full), (rest, 1 if rest else 0)):
            chance = positive_probability(members, p) * times * count
            positives += chance
            if members > 1:
                recalls += members * chance
    return Load(people, tubes, positives, recalls)


def household_expected_tests(sizes: Mapping[int, int], p: float) -> float | None:
    """Expected tests per person with one household per tube (None without anybody)."""
    load = household_load(sizes, p)
    return load.lab_tubes / load.people if load.people else None
