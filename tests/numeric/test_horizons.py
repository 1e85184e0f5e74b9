"""The square-loss flow's horizon, settle rates and half-fit watches (numeric/horizons.py), on
generated orthogonal problems: the bounds they promise against each other and against the
facts they are built from (docs/suites/orthogonal.md 4.2, 9.12)."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings

from gfcheck.numeric.horizons import half_fit_watches, rho_min, settle_rate, square_horizon
from gfcheck.symbolic.assumptions import Facts
from tests.budget import examples
from tests.strategies import census_orthogonal_problems


@settings(max_examples=examples(10), deadline=None)
@given(census_orthogonal_problems())
def test_settle_rate_lies_between_rho_min_and_twice_it(problem):
    f = Facts(problem)
    assert rho_min(f) <= settle_rate(f) <= 2 * rho_min(f) * (1 + 1e-12)


@settings(max_examples=examples(10), deadline=None)
@given(census_orthogonal_problems())
def test_horizon_passes_the_slower_escape_and_the_settle(problem):
    """``T >= 5/4 s_max log(1/lambda) + (b log 2 + 10)/rho`` (the escape with a quarter to spare, then
    the settle), rounded up to an integer; a faster settle rate gives a horizon no longer."""
    f = Facts(problem)
    s_max = max(float(v) for v in (f.data.escape_slope_plus, f.data.escape_slope_minus) if v is not None)
    for e, bits in ((10, 100), (100, 170)):
        T = square_horizon(f, Fraction(1, 10 ** e), bits)
        assert T.denominator == 1
        assert T >= 1.25 * s_max * e * math.log(10) + (bits * math.log(2) + 10) / rho_min(f) - 1e-6
        assert square_horizon(f, Fraction(1, 10 ** e), bits, rho=settle_rate(f)) <= T


@settings(max_examples=examples(10), deadline=None)
@given(census_orthogonal_problems())
def test_a_half_fit_watch_per_nonempty_sign_group_at_half_its_loss(problem):
    f = Facts(problem)
    y, n = problem.labels, problem.n
    watches = {w.name: w for w in half_fit_watches(f)}
    for name, S in (("half_+", f.data.S_plus), ("half_-", f.data.S_minus)):
        assert (name in watches) == bool(S)
        if S:
            assert watches[name].points == frozenset(S)
            assert watches[name].target == sum(y[k] ** 2 for k in S) / (2 * n) / 2
