"""Horizons and half-fit watches of the square-loss flow on orthogonal inputs.

Bounds, not predictions: floats from the exact facts of the problem
(:class:`gfcheck.symbolic.assumptions.Facts`), used by the orthogonal suite's ladder and by any
suite that integrates a square-loss orthogonal companion (the separable suite's float64 claim).
The formulas are those of ``docs/suites/orthogonal.md`` 4.2 (escape) and 9.12 (settle).
"""

from __future__ import annotations

import math
from fractions import Fraction

from .precision import to_mpf
from .trajectory import LossWatch

__all__ = ["escape_horizon", "group_settle_rates", "half_fit_watches", "past_escape", "rho_min", "settle_rate",
           "square_horizon"]


def _log_inverse(scale) -> float:
    """``log(1/scale)`` as a float, for any positive rational (also far below float's range: the
    full profile's 1e-400), as ``log10(1/scale) log(10)``."""
    q = Fraction(scale)
    return (math.log10(q.denominator) - math.log10(q.numerator)) * math.log(10)


def rho_min(facts) -> float:
    """``min_k ||beta_s(k)|| ||x_k||^2 / n``: the diagonal of the settle matrices of :func:`settle_rate`, a
    lower bound of that rate (the settle rate of the conservative horizon)."""
    P, data = facts.problem, facts.data
    q = P.norms_squared()
    beta = {1: float(to_mpf(data.beta_plus_norm)), -1: float(to_mpf(data.beta_minus_norm))}
    return min(beta[1 if y > 0 else -1] * float(qk) / P.n for y, qk in zip(P.labels, q))


def settle_rate(facts) -> float:
    """The slowest local rate of the residuals at the predicted interpolator (one balanced neuron per
    sign group ``s``, ``a^2 = ||beta_s||``, ``w`` along ``beta_s = sum_{k in S_s} y_k x_k / ||x_k||^2``): the
    smallest eigenvalue of ``M_s = (D_s + v_s v_s^T) / n`` with ``D_s = diag(||beta_s|| ||x_k||^2)`` and
    ``v_k = |y_k| / sqrt(||beta_s||)``, from ``dr_k/dt = -(1/n) sum_l (relu(u_k) relu(u_l) + a^2 ||x_k||^2
    [k = l]) r_l`` (docs/suites/orthogonal.md 9.12); between :func:`rho_min` and twice it.  A float: a horizon
    is a bound only."""
    import mpmath

    with mpmath.workprec(64):
        rates = [float(mus[0]) for mus in (group_settle_rates(facts, 1), group_settle_rates(facts, -1)) if mus]
    low = rho_min(facts)
    return max(min(rates, default=low), low)


def group_settle_rates(facts, sign) -> tuple:
    """The local rates of the residuals of the sign group ``sign`` at its interpolator (one balanced
    neuron, ``a^2 = ||beta_s||``, ``w`` along ``beta_s``), increasing: the eigenvalues of
    ``M_s = (D_s + v_s v_s^T) / n``, ``D_s = diag(||beta_s|| ||x_k||^2)``, ``v_k = |y_k| / sqrt(||beta_s||)``
    (docs/suites/orthogonal.md 9.12), at the current mpmath precision; ``()`` for an empty group.  After the
    group's fit its residuals decay like ``e^(-mu t)`` along these modes (:func:`settle_rate`; the
    middle plateau's approach, :func:`gfcheck.proofs_check.suites.orthogonal.claims_asymptotic.plateau_laws`).

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> from gfcheck.symbolic.assumptions import Facts
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "2"]],
    ...     "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000", "directions": [["1", "1"], ["1", "1"]],
    ...     "signs": [1, -1]}})
    >>> import mpmath
    >>> [mpmath.nstr(v, 6) for v in group_settle_rates(Facts(p), 1)]   # one point: 2 |y| ||x|| / n
    ['1.0']
    """
    import mpmath

    P, data = facts.problem, facts.data
    S = data.S_plus if sign > 0 else data.S_minus
    if not S:
        return ()
    q = [to_mpf(P.norms_squared()[k]) for k in S]
    beta = to_mpf(data.beta_plus_norm if sign > 0 else data.beta_minus_norm)
    v = [abs(to_mpf(P.labels[k])) / mpmath.sqrt(beta) for k in S]
    M = mpmath.matrix(len(S), len(S))
    for i in range(len(S)):
        for l in range(len(S)):
            M[i, l] = (v[i] * v[l] + (beta * q[i] if i == l else 0)) / P.n
    E = mpmath.eigsy(M, eigvals_only=True)
    return tuple(sorted(E[i] for i in range(len(S))))


def escape_slope(facts, sign=None) -> float:
    """``s = n / ||D||`` of the sign group ``sign`` (``1`` or ``-1``), or the slower of both (``s_max``,
    the default): the escape happens at ``s log(1/lambda) + O(1)`` (docs/suites/orthogonal.md 4.2)."""
    data = facts.data
    slopes = {1: data.escape_slope_plus, -1: data.escape_slope_minus}
    return float(max(to_mpf(v) for k, v in slopes.items() if v is not None and sign in (None, k)))


def _escape_part(s: float, scale) -> float:
    """``5/4 s log(1/lambda)``: past the escape at slope ``s`` with a quarter to spare."""
    return 1.25 * s * _log_inverse(scale)


def past_escape(s: float, scale) -> Fraction:
    """``ceil(5/4 s log(1/lambda) + 60 s)``: past an escape at slope ``s`` (at ``s log(1/lambda) + O(1)``)."""
    return Fraction(math.ceil(_escape_part(float(s), scale) + 60 * float(s)))


def escape_horizon(facts, scale, sign=None) -> Fraction:
    """:func:`past_escape` of the group ``sign`` (its slope :func:`escape_slope`), or of both (the
    default): past its half fit, without the settle after the fit (the horizon of the claims on the
    saddle-to-saddle phase; :func:`square_horizon` adds the settle)."""
    return past_escape(escape_slope(facts, sign), scale)


def square_horizon(facts, scale, bits: int, *, s_max=None, rho: float | None = None) -> Fraction:
    """Integer horizon past the fit at ``lambda = scale``:

    ``T = ceil(5/4 s_max log(1/lambda) + max(60 s_max, (b log 2 + 10) / rho))`` with ``s_max = n / min
    ||D_+-||`` (the slower escape, at ``s_max log(1/lambda) + O(1)``, docs/suites/orthogonal.md 4.2) and ``rho``
    the slowest local rate near the interpolator (default :func:`rho_min`): the residual falls by
    ``2^(-b/2)`` after the fit, with a factor 2 for the rate's being an estimate.  ``s_max`` overrides
    the slowest escape slope.
    """
    s_max = escape_slope(facts) if s_max is None else float(s_max)
    rho = rho_min(facts) if rho is None else rho
    settle = max(60 * s_max, (bits * math.log(2) + 10) / rho)
    return Fraction(math.ceil(_escape_part(s_max, scale) + settle))


def half_fit_watches(facts) -> tuple:
    """``LossWatch`` ``"half_+"``/``"half_-"``: the first time ``L_+- <= L_+-(0)/2`` (the half fit of
    each nonempty sign group)."""
    P, data = facts.problem, facts.data
    y, n = P.labels, P.n
    return tuple(LossWatch(name, frozenset(S), sum(y[k] ** 2 for k in S) / (4 * n))
                 for name, S in (("half_+", data.S_plus), ("half_-", data.S_minus)) if S)
