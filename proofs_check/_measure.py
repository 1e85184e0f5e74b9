"""Measurements on states of the flow, in the caller's (scoped) mpmath precision.

Everything here is an independent evaluation of the network, ``h(x) = sum_j a_j relu(<w_j, x>)``,
from the weights: it never reuses the engines' right-hand sides.
"""

from __future__ import annotations

import mpmath

from gfcheck.numeric.precision import to_mpf

__all__ = ["mp_data", "outputs", "loss", "partial_loss", "variation_norm", "max_cos2", "verdict_of",
           "s", "outside_if_not_orthogonal", "rate_verdict"]


def s(x, digits: int = 8) -> str:
    """A decimal string of ``x`` (mpf, int, Fraction or None)."""
    if x is None:
        return "-"
    return mpmath.nstr(to_mpf(x) if not isinstance(x, mpmath.mpf) else x, digits)


def mp_data(problem):
    """``(X, y)`` as mpf lists (X: n rows of d)."""
    X = [[to_mpf(v) for v in x] for x in problem.inputs]
    y = [to_mpf(v) for v in problem.labels]
    return X, y


def _dot(u, v):
    return mpmath.fsum(a * b for a, b in zip(u, v))


def outputs(W, a, points):
    """``h(x)`` for each ``x`` in ``points`` from the weights (W: m rows of d)."""
    return [mpmath.fsum(aj * max(_dot(wj, x), 0) for aj, wj in zip(a, W)) for x in points]


def partial_loss(problem, W, a, S):
    X, y = mp_data(problem)
    h = outputs(W, a, [X[k] for k in S])
    return mpmath.fsum((hk - y[k]) ** 2 for hk, k in zip(h, S)) / (2 * problem.n)


def loss(problem, W, a):
    return partial_loss(problem, W, a, range(problem.n))


def variation_norm(W, a):
    """``N(theta) = sum_j |a_j| ||w_j||`` (digest 5.2)."""
    return mpmath.fsum(abs(aj) * mpmath.sqrt(_dot(wj, wj)) for aj, wj in zip(a, W))


def max_cos2(problem):
    """Exact ``max_{k != l} <x_k, x_l>^2 / (||x_k||^2 ||x_l||^2)`` (0 for one input)."""
    from fractions import Fraction

    G = problem.gram()
    return max((G[k][l] ** 2 / (G[k][k] * G[l][l]) for k in range(problem.n) for l in range(k)),
               default=Fraction(0))


def verdict_of(ok: bool) -> str:
    return "VERIFIED" if ok else "REFUTED"


def outside_if_not_orthogonal(ctx):
    """``None`` on orthogonal data, else a (claim, twin) pair of OUTSIDE_ASSUMPTIONS verdicts."""
    from .registry import Verdict

    if ctx.problem.is_orthogonal():
        return None
    with mpmath.workdps(20):
        cos = s(mpmath.sqrt(to_mpf(max_cos2(ctx.problem))), 6)  # exact cos^2, one square root
    v = Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-",
                {"reason": "the inputs are not pairwise orthogonal",
                 "largest_off_diagonal_cosine": cos})
    return v, v


def rate_verdict(rate, predicted, details=None, *, prediction=None):
    """The verdict of a fitted rate against a predicted exponent (the rule of :mod:`.rates`)."""
    from .registry import Verdict

    pred = mpmath.mpf(predicted)
    return Verdict(verdict_of(rate.agrees(pred)), prediction or s(pred, 5), s(rate.exponent, 5),
                   s(abs(rate.exponent - pred), 3), s(rate.bound, 3), details or {})
