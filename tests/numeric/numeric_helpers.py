"""Small exact problems with known answers, shared by the numeric tests."""

from __future__ import annotations

import json
from fractions import Fraction as Fr
from pathlib import Path

import mpmath

from gfcheck.symbolic.problem import Problem, load_problem

# copies of ../shared/problems/reference-m{8,64} (the benchmark problems and their
# high-precision solutions), so that a fresh clone runs these tests on its own
SHARED = Path(__file__).resolve().parents[1] / "data"


def diag_inputs(cs):
    d = len(cs)
    return tuple(tuple(Fr(c) if i == k else Fr(0) for i in range(d)) for k, c in enumerate(cs))


def logistic_problem(c=Fr(3, 2), y=Fr(7, 10), lam=Fr(1, 1000), n_extra=0):
    """One neuron, one point, d = 1: with v = u^2 the flow is logistic, dv/dt = 2 v (y c - v)."""
    return Problem(inputs=((Fr(c),),), labels=(Fr(y),), width=1, scale=Fr(lam),
                   directions=((Fr(1),),), signs=(1,))


def logistic_exact(p, t, dps=80):
    """Closed form (a(t), u(t)) of :func:`logistic_problem`: v = K v0 e^{2Kt} / (K + v0 (e^{2Kt} - 1))."""
    with mpmath.workdps(dps):
        c = mpmath.mpf(p.inputs[0][0].numerator) / p.inputs[0][0].denominator
        y = mpmath.mpf(p.labels[0].numerator) / p.labels[0].denominator
        lam = mpmath.mpf(p.scale.numerator) / p.scale.denominator
        K = y * c
        u0 = lam * c
        v0 = u0 ** 2
        E = mpmath.exp(2 * K * mpmath.mpf(t.numerator) / t.denominator)
        v = K * v0 * E / (K + v0 * (E - 1))
        u = mpmath.sqrt(v)
        return u / c, u


def exits_problem(lam=Fr(1, 10**20), g0s=(Fr(1), Fr(1000001, 1000000))):
    """Negative neurons active on a wrongly signed point 0 (y0 = 1) and a right one (y1 = -1)."""
    X = diag_inputs([1, 1])
    dirs = tuple((g0, Fr(2)) for g0 in g0s)
    return Problem(inputs=X, labels=(Fr(1), Fr(-1)), width=len(dirs), scale=lam, directions=dirs,
                   signs=tuple(-1 for _ in dirs))


def exit_time_linear(g0, g1, lam, dps=60):
    """Section 3.3 closed form of the exit time of u_j0 (linearised phase, active set {0, 1})."""
    with mpmath.workdps(dps):
        g0, g1, lam = (mpmath.mpf(q.numerator) / q.denominator for q in (g0, g1, lam))
        nD = mpmath.sqrt(2)
        a0 = -lam * mpmath.sqrt(g0 ** 2 + g1 ** 2)
        p0 = lam * (g0 - g1) / nD
        Pstar = p0 - lam * g0 * nD
        A, B, C = p0 + a0, -2 * Pstar, p0 - a0
        roots = [(-B + s * mpmath.sqrt(B * B - 4 * A * C)) / (2 * A) for s in (1, -1)]
        z = min(r for r in roots if r > 1)
        return 2 * mpmath.log(z) / nD


def reactivation_problem(rp):
    """Unbalanced start with an overshoot on point 1: with ReLU'(0) = 1 coordinates at 0 re-enter."""
    X = diag_inputs([1, 1, 1])
    return Problem(inputs=X, labels=(Fr(1), Fr(-1), Fr(-1)), width=3, scale=Fr(1),
                   directions=((Fr(1, 10), Fr(0), Fr(0)), (Fr(0), Fr(9, 10), Fr(1, 10)),
                               (Fr(1, 10), Fr(1, 1000), Fr(0))),
                   signs=(1, -1, 1), relu_prime_at_zero=rp, output_weights=(Fr(1, 10), Fr(-1), Fr(1, 10)))


def reference(m):
    p = load_problem(SHARED / f"reference-m{m}.problem.json")
    sol = json.loads((SHARED / f"reference-m{m}.solution.json").read_text())
    return p, sol


def agreeing_digits(final, sol, perturb=None):
    """-log10(max |z - z_ref| / max |z_ref|) over all a_j, u_jk."""
    with mpmath.workdps(120):
        zr = [mpmath.mpf(s) for s in sol["a"]] + [mpmath.mpf(s) for row in sol["u"] for s in row]
        if perturb is not None:
            zr[perturb[0]] *= 1 + mpmath.mpf(perturb[1])
        z = list(final.a) + [v for row in final.U for v in row]
        d = max(abs(x - y) for x, y in zip(z, zr))
        return float(-mpmath.log10(d / max(abs(x) for x in zr))) if d else float("inf")
