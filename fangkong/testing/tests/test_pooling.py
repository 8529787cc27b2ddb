"""Dorfman's arithmetic (testing/pooling.py): the optimum, the estimate from pool positivity, the implied load."""

from __future__ import annotations

import math

import pytest

from fangkong.testing import pooling
from fangkong.testing.pooling import (
    best_size,
    estimate_positivity,
    expected_tests,
    household_load,
    pooled_load,
    unconstrained_best,
)


def test_expected_tests_is_dorfmans_formula():
    assert expected_tests(10, 0.01) == pytest.approx(0.1 + 1 - 0.99**10)
    assert expected_tests(10, 0.01) == pytest.approx(0.1956, abs=1e-4)
    assert expected_tests(1, 0.3) == 1.0  # alone: one test, never a second stage
    assert expected_tests(5, 0.0) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        expected_tests(0, 0.1)
    with pytest.raises(ValueError):
        expected_tests(10, 1.5)


def test_optimum_among_the_sizes_sites_fill():
    assert best_size(0.01) == 10  # the brief's 10-in-1 at 1 %
    assert best_size(0.05) == 5
    assert best_size(0.35) == 1  # individual testing wins
    assert best_size(0.001) == 20  # very low positivity: the biggest pool
    assert best_size(0.2) <= best_size(0.05) < best_size(0.01)
    assert best_size(0.01, sizes=(1, 5)) == 5  # a district allowing fewer sizes
    with pytest.raises(ValueError):
        best_size(0.01, sizes=())


def test_unconstrained_optimum_falls_as_positivity_rises():
    assert unconstrained_best(0.01) == 11
    assert unconstrained_best(0.05) == 5
    assert unconstrained_best(0.2) == 3  # smaller than at 5 %
    assert unconstrained_best(0.35) == 1
    assert unconstrained_best(0.0) is None  # nothing positive: any bigger pool is better
    sizes = [unconstrained_best(p) for p in (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4)]
    assert sizes == sorted(sizes, reverse=True)
    # The walk to the minimum finds what trying every size finds.
    for i in range(1, 400):
        p = i / 1000
        assert unconstrained_best(p) == best_size(p, range(1, pooling.MAX_SIZE + 1)), p
    assert unconstrained_best(0.00001) == pooling.MAX_SIZE  # the bound
    # About 30 %: pools of three still (just) beat single tubes at 0.30, nothing does past 0.31.
    assert unconstrained_best(0.30) == 3 and unconstrained_best(0.31) == 1


def test_positivity_from_pool_positivity():
    # 10 % of 10-in-1 pools positive → p = 1 − 0.9^(1/10)
    assert estimate_positivity(pools=100, positive=10, mean_size=10) == pytest.approx(1 - 0.9**0.1)
    for p in (0.001, 0.01, 0.05, 0.2):  # the inverse of the chance a pool is positive
        r = pooling.positive_probability(10, p)
        assert estimate_positivity(pools=10_000, positive=round(r * 10_000), mean_size=10) == pytest.approx(p, rel=0.01)
    assert estimate_positivity(pools=50, positive=0, mean_size=10) == 0.0
    assert estimate_positivity(pools=50, positive=50, mean_size=10) == 1.0
    assert estimate_positivity(pools=0, positive=0, mean_size=0) is None  # no data
    assert estimate_positivity(pools=40, positive=4, mean_size=1) == pytest.approx(0.1)  # single tubes: r itself
    with pytest.raises(ValueError):
        estimate_positivity(pools=5, positive=6, mean_size=10)


def test_pooled_load_counts_tubes_positives_and_recalls():
    load = pooled_load(95, 10, 0.01)
    assert load.tubes == 10  # nine full tubes and one of five
    full, last = 1 - 0.99**10, 1 - 0.99**5
    assert load.positive_pools == pytest.approx(9 * full + last)
    assert load.recalls == pytest.approx(90 * full + 5 * last)
    assert load.lab_tubes == pytest.approx(10 + 90 * full + 5 * last)
    single = pooled_load(40, 1, 0.05)
    assert (single.tubes, single.recalls) == (40, 0.0)  # a positive single tube is the person's own result
    assert single.positive_pools == pytest.approx(2.0)
    unknown = pooled_load(40, 10, None)
    assert (unknown.tubes, unknown.positive_pools, unknown.recalls, unknown.lab_tubes) == (4, None, None, 4)
    assert pooled_load(0, 10, 0.01).tubes == 0


def test_one_household_per_tube():
    load = household_load({3: 2, 1: 1, 25: 1}, 0.02)
    assert load.people == 32
    assert load.tubes == 2 + 1 + 2  # 25 people fill a tube of 20 and one of 5
    expected = 2 * (1 - 0.98**3) + (1 - 0.98) + (1 - 0.98**20) + (1 - 0.98**5)
    assert load.positive_pools == pytest.approx(expected)
    recalls = 2 * 3 * (1 - 0.98**3) + 20 * (1 - 0.98**20) + 5 * (1 - 0.98**5)  # not the household of one
    assert load.recalls == pytest.approx(recalls)
    assert pooling.household_expected_tests({}, 0.01) is None
    assert math.isclose(pooling.household_expected_tests({4: 10}, 0.0) or 0, 0.25)
