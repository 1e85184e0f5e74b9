"""proofs_check.claims_exact: the early-phase ladder starts inside the linear regime (issue 19
cause 3: deactivations of the nonlinear phase were counted as early exits)."""

from __future__ import annotations

import math

import mpmath
from hypothesis import given
from strategies import valid_problems

from gfcheck.proofs_check.claims_exact import EARLY_EXPONENTS, _t_probe, early_exponents
from gfcheck.proofs_check.context import Context, Profile


@given(valid_problems())
def test_the_first_early_rung_keeps_the_fastest_mode_small_at_the_probe(p):
    ctx = Context(p, Profile.named("quick"))
    t = _t_probe(ctx.early_phase)
    e0 = early_exponents(ctx, t)[0]
    Dmax = max(float(ctx.data.D_plus_sq), float(ctx.data.D_minus_sq)) ** 0.5
    growth = Dmax * float(t) / p.n / math.log(10)  # decades the fastest mode grows by t
    assert e0 - growth >= EARLY_EXPONENTS[0] - 1e-9  # lambda e^(||D|| t/n) <= 1e-3 on every rung
    with mpmath.workdps(20):
        assert mpmath.mpf(10) ** -e0 * mpmath.exp(Dmax * float(t) / p.n) <= mpmath.mpf("1e-3") * (1 + 1e-12)


def test_twin_the_fixed_ladder_of_before_leaves_the_linear_regime():
    """x_0 = e_1 (label 6), x_1 = e_2 (label -1), a positive neuron active on both (it exits x_1):
    by the probe t = 2 the fastest mode has grown 2.6 decades, so at lambda = 1e-3 the mode is 0.4: no longer small."""
    from fractions import Fraction as F

    from gfcheck.symbolic.problem import Problem

    p = Problem(inputs=((F(1), F(0)), (F(0), F(1))), labels=(F(6), F(-1)), width=2, scale=F(1, 1000),
                directions=((F(1), F(1)), (F(-1), F(1))), signs=(1, -1))
    ctx = Context(p, Profile.named("quick"))
    t = _t_probe(ctx.early_phase)
    assert 10.0 ** -EARLY_EXPONENTS[0] * math.exp(6 * float(t) / 2) > 0.1  # old first rung: the mode at 0.4, not small
    assert early_exponents(ctx, t)[0] == EARLY_EXPONENTS[0] + 3
