"""A suite that lives in the tests: one neuron on one point (n = d = m = 1, square loss).

It touches no file of the ``orthogonal`` suite: its model, context, default problem and one
claim are declared here and registered by :func:`install` (``register_suite``), exactly as a
paper's suite is found through its ``gfcheck.suites`` entry point.

With ``x = c``, ``y``, ``w(0) = lambda g``, ``a(0) = |w(0)|`` and ``g, c, y > 0`` the flow
``a' = -(1/n) r u``, ``u' = -(a/n) r c^2`` keeps ``u = c a`` (balance), so ``h = c a^2`` solves
the logistic equation ``h' = 2 c h (y - h)``:
``h(t) = y / (1 + (y / h0 - 1) e^{-2 c y t})`` with ``h0 = c lambda^2 g^2``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from gfcheck.numeric import integrate, to_mpf
from gfcheck.numeric.precision import bits_for_dps
from gfcheck.proofs_check.core.context import SuiteContext
from gfcheck.proofs_check.core.registry import Suite, register, register_suite
from gfcheck.proofs_check.core.verdicts import Claim, Provenance, Verdict
from gfcheck.symbolic.problem import parse_problem

NAME = "toy"


@dataclass
class ToyContext(SuiteContext):
    problem: object
    profile: object
    figure_data: dict = field(default_factory=dict)
    caps: dict = field(default_factory=dict)
    say: object = None


def default_problem():
    return parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2"]], "labels": ["3/2"], "width": 1,
                          "init": {"scale": "1/100", "directions": [["1"]], "signs": [1]}})


def closed_form(problem, t, rate_factor=1):
    c, y = to_mpf(problem.inputs[0][0]), to_mpf(problem.labels[0])
    h0 = c * (to_mpf(problem.scale) * to_mpf(problem.directions[0][0])) ** 2
    return y / (1 + (y / h0 - 1) * mpmath.exp(-2 * c * y * t * rate_factor))


def _check_logistic(ctx):
    p, T = ctx.problem, Fraction(3)
    run = integrate(p, dps=ctx.profile.dps, t_end=T, error_estimate=False)
    bits = bits_for_dps(ctx.profile.dps)
    with mpmath.workprec(run.work_bits):
        h = run.final.a[0] * run.final.U[0][0]  # h = a relu(u), u = <w, x> > 0
        tol = mpmath.ldexp(to_mpf(p.labels[0]), -bits + 12)  # the requested digits, 12 guard bits

        def judge(rate_factor):
            pred = closed_form(p, to_mpf(T), rate_factor)
            ok = abs(h - pred) <= tol
            return Verdict("VERIFIED" if ok else "REFUTED", mpmath.nstr(pred, 20), mpmath.nstr(h, 20),
                           mpmath.nstr(abs(h - pred), 3), mpmath.nstr(tol, 3), {})

        # the twin: the rate moved by 2^(-b/2), far above the tolerance, far below any O(1) error
        return judge(1), judge(1 + mpmath.ldexp(1, -bits // 2))


CLAIMS = (
    Claim(suite=NAME, id="logistic-fit", number=1, title="One neuron fits one point logistically",
          statement="h(t) = y / (1 + (y/h0 - 1) exp(-2 c y t))", source="this module's docstring",
          prediction="the closed form at t = 3", measurement="h = a u from the reduced engine",
          tolerance_rule="2^(-b+12) y (the requested digits)",
          twin="the rate moved by 2^(-b/2) must be refuted", check=_check_logistic,
          provenance=Provenance("reconstructed", "this module's docstring (a toy for the tests)")),
)

@dataclass(frozen=True)
class ToySuite(Suite):
    def profiles(self):
        from gfcheck.proofs_check.core.context import PROFILES

        return dict(PROFILES)

    def claims(self):
        return CLAIMS

    def make_context(self, problem, profile):
        return ToyContext(problem, profile)

    def default_problem(self):
        return default_problem()

    def derive(self, out_dir):
        return []


SUITE = ToySuite(name=NAME, title="a one-neuron toy (tests only)", model="n = d = m = 1, square loss",
                 notes="tests/proofs_check/core/toy_suite.py")


def install():
    """Register the suite and its claim (idempotent)."""
    from gfcheck.proofs_check.core.registry import REGISTRY

    register_suite(SUITE)
    for c in CLAIMS:
        if (c.suite, c.id) not in REGISTRY:
            register(c)
