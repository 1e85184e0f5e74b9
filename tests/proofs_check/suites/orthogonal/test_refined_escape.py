"""Claim 10's precise crossing runs (census 0135 and 0136): a prediction that ends before the
crossing it predicts is measured to the group's escape horizon, never integrated to a negative or
too short horizon."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest

from gfcheck.proofs_check.core.context import Profile, with_scale
from gfcheck.proofs_check.suites.orthogonal.claims_asymptotic import _precise_crossing
from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
from gfcheck.symbolic.errors import InvalidInput


@pytest.fixture(scope="module")
def ctx():
    return Context(default_problem(), Profile.named("quick"))


@pytest.mark.parametrize("t_pred", [mpmath.mpf(-784), mpmath.mpf(1)])
def test_a_prediction_before_its_crossing_is_measured_to_the_escape_horizon(ctx, t_pred):
    """Census 0135 at 1e-2: t_pred = -635, the horizon 1.25 t_pred + 10 < 0, and the claim crashed
    (InvalidInput); a positive prediction before the crossing returned None and the rung was dropped."""
    name = ctx.half_watches()[0].name
    t, _bits = _precise_crossing(ctx, name, 2, 1, t_pred)
    ref = ctx.ladder_run(Fraction(1, 100)).crossings[name]
    assert t is not None and t > max(t_pred, 0)
    assert abs(t - ref) < 1e-6 * ref  # the same crossing as the ladder's (other digits)


def test_twin_the_horizon_of_a_negative_prediction_is_refused(ctx):
    T = Fraction(math.ceil(-784 * 1.25 + 10))
    with pytest.raises(InvalidInput):
        ctx.run(with_scale(ctx.problem, Fraction(1, 100)), t_end=T, watches=ctx.half_watches(), engine="reduced",
                error_estimate=False)
