"""The toy suite's context and claims: one neuron on one point (n = d = m = 1, square loss).

With ``x = c``, ``y``, ``w(0) = lambda g``, ``a(0) = |w(0)|`` and ``g, c, y > 0`` the flow
``a' = -(1/n) r u``, ``u' = -(a/n) r c^2`` keeps ``u = c a`` (balance), so ``h = c a^2`` solves
the logistic equation ``h' = 2 c h (y - h)`` (derived and certified in :mod:`.derivation`):
``h(t) = y / (1 + (y / h0 - 1) e^{-2 c y t})`` with ``h0 = c lambda^2 g^2``.

Two claims: ``logistic-fit`` states the closed form (VERIFIED; its twin, the rate moved by
``2^(-b/2)``, REFUTED), ``wrong-rate`` states that moved rate as its prediction (REFUTED: the
negative path of a suite, end to end; its twin, the rate doubled, REFUTED too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from gfcheck.numeric import integrate, to_mpf
from gfcheck.numeric.precision import bits_for_dps
from gfcheck.proofs_check.core.context import SuiteContext
from gfcheck.proofs_check.core.verdicts import Claim, Provenance, Verdict, with_figures

NAME = "toy"
#: the time the closed form is compared at, and the figure's samples on [0, T]
T = Fraction(3)
SAMPLES = 12


@dataclass
class ToyContext(SuiteContext):
    problem: object
    profile: object
    figure_data: dict = field(default_factory=dict)
    caps: dict = field(default_factory=dict)
    say: object = None


def closed_form(problem, t, rate_factor=1):
    c, y = to_mpf(problem.inputs[0][0]), to_mpf(problem.labels[0])
    h0 = c * (to_mpf(problem.scale) * to_mpf(problem.directions[0][0])) ** 2
    return y / (1 + (y / h0 - 1) * mpmath.exp(-2 * c * y * t * rate_factor))


def _measure(ctx):
    """``(h(T), bits, tolerance, figure data)`` from the engine (h = a relu(u), u = <w, x> > 0)."""
    p = ctx.problem
    run = integrate(p, dps=ctx.profile.dps, t_end=T, times=tuple(T * i / SAMPLES for i in range(SAMPLES + 1)),
                    error_estimate=False)
    bits = bits_for_dps(ctx.profile.dps)
    with run.precision.scope():
        h = run.final.a[0] * run.final.U[0][0]
        tol = mpmath.ldexp(to_mpf(p.labels[0]), -bits + 12)  # the requested digits, 12 guard bits
        data = {"t": [float(s.t) for s in run.samples], "h": [float(s.a[0] * s.U[0][0]) for s in run.samples],
                "closed_form": [float(closed_form(p, to_mpf(s.t))) for s in run.samples]}
    return h, bits, tol, data


def _judge(ctx, h, tol, rate_factor):
    with ctx.precision.extra(20):
        pred = closed_form(ctx.problem, to_mpf(T), rate_factor)
        ok = abs(h - pred) <= tol
        return Verdict("VERIFIED" if ok else "REFUTED", mpmath.nstr(pred, 20), mpmath.nstr(h, 20),
                       mpmath.nstr(abs(h - pred), 3), mpmath.nstr(tol, 3), {})


def _check_logistic(ctx):
    h, bits, tol, data = _measure(ctx)
    # the twin: the rate moved by 2^(-b/2), far above the tolerance, far below any O(1) error
    pair = _judge(ctx, h, tol, 1), _judge(ctx, h, tol, 1 + mpmath.ldexp(1, -bits // 2))
    return with_figures(pair, {"toy_fit": data})


def _check_wrong_rate(ctx):
    h, bits, tol, _ = _measure(ctx)
    return _judge(ctx, h, tol, 1 + mpmath.ldexp(1, -bits // 2)), _judge(ctx, h, tol, 2)


_COMMON = dict(suite=NAME, source="tests/toy_suite/claims.py (its docstring)",
               measurement="h = a u at t = 3 from the engine", tolerance_rule="2^(-b+12) y (the requested digits)",
               provenance=Provenance("reconstructed", "tests/toy_suite/claims.py, a toy for the tests"))

CLAIMS = (
    Claim(id="logistic-fit", number=1, title="One neuron fits one point logistically",
          statement="h(t) = y / (1 + (y/h0 - 1) exp(-2 c y t))", prediction="the closed form at t = 3",
          twin="the rate moved by 2^(-b/2) must be refuted", check=_check_logistic, **_COMMON),
    Claim(id="wrong-rate", number=2, title="A perturbed rate (a false claim: must be REFUTED)",
          statement="h(t) = y / (1 + (y/h0 - 1) exp(-2 (1 + 2^(-b/2)) c y t))",
          prediction="the closed form with the rate moved by 2^(-b/2), at t = 3",
          twin="the rate doubled must be refuted", check=_check_wrong_rate, **_COMMON),
)
