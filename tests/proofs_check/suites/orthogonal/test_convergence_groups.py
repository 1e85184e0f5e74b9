"""Claim 12 (convergence) judges each sign group's fit after its own escape (docs/suites/orthogonal.md 9.12).

Census 0005 (n = 7, d = 9, m = 30) was REFUTED on its first route: ``t_fit - t_1/2,slow`` had the
slope -0.6703 in ``log(1/lambda)`` on every rung, which is ``-(s_slow - s_fast)`` (1.8332 - 1.1630):
the faster group settles slowly (its smallest local rate is small), so the whole loss reached the
fit level ``L(0) 2^-b`` a fixed time after the *faster* escape, and the slower group's fit came
first on every rung of every profile.  The flow decouples across the groups, so each group's own
``t_fit,+- - t_1/2,+-`` is lambda-independent; the whole fit is the later of the two.

The problem here has the same shape at n = 3: the positive group holds a point of norm 2 and one of
norm 1/5 (escape slope 1.498, settle rate 0.0654), the negative group one point (escape slope 3).
"""

from __future__ import annotations

from fractions import Fraction as F

import mpmath

from gfcheck.numeric.precision import to_mpf
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic as ca
from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.symbolic.problem import Problem

PROFILE = Profile("convergence", (10, 20, 30), dps=20, max_exponent=60, claim_seconds=120.0)


def _fast_group_settles_last():
    return Problem(inputs=((F(2), F(0), F(0)), (F(0), F(1, 5), F(0)), (F(0), F(0), F(1))),
                   labels=(F(1), F(1, 2), F(-1)), width=2, scale=F(1, 1000),
                   directions=((F(1), F(1), F(-1)), (F(-1), F(-1), F(1))), signs=(1, -1))


def test_each_group_fits_a_lambda_independent_time_after_its_own_escape():
    ctx = Context(_fast_group_settles_last(), PROFILE)
    claim, twin = ca._check_convergence(ctx)
    assert claim.verdict == "VERIFIED", claim.details
    assert twin.verdict == "REFUTED"
    # the faster group (+) is the last to fit on every rung, and the claim says until where
    assert all(x.endswith(": +") for x in claim.details["group_fitting_last"])
    assert mpmath.mpf(claim.details["slower_group_fits_last_below_lambda"]) < mpmath.mpf("1e-60")


def test_twin_the_whole_fit_after_the_slower_escape_drifts_at_the_gap_between_the_escapes():
    """The former measurement on the same runs: its pair slopes sit at ``-(s_- - s_+)``, four bands and
    more from the 0 it was judged against, so it would have refuted a claim that holds."""
    ctx = Context(_fast_group_settles_last(), PROFILE)
    s_fast, s_slow = to_mpf(ctx.data.escape_slope_plus), to_mpf(ctx.data.escape_slope_minus)
    assert s_fast < s_slow
    runs = [(e, ctx.ladder_run(F(1, 10 ** e))) for e in PROFILE.exponents]
    xs = [e * mpmath.log(10) for e, _ in runs]
    whole = [r.crossings["fit"] - r.crossings["half_-"] for _, r in runs]
    slopes = [(b - a) / (y - x) for a, b, x, y in zip(whole, whole[1:], xs, xs[1:])]
    band = ctx.resolution(s_slow)
    assert all(abs(sl + (s_slow - s_fast)) < band for sl in slopes[1:]), slopes
    assert all(abs(sl) > 4 * band for sl in slopes), slopes
