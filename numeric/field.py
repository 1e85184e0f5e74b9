"""The reduced flow's field at a state, in mpf: the one place that evaluates it outside the engines.

Orthogonal inputs, square loss (docs/suites/orthogonal.md 2.1), with ``c_k = ||x_k||^2 / n``::

    r_k      = sum_i a_i relu(u_ik) - y_k
    da_i/dt  = -(1/n) sum_l r_l relu(u_il)
    du_ik/dt = -c_k a_i r_k              (u_ik > 0; 0 for a frozen coordinate)
    dr_k/dt  = sum_i (da_i/dt) relu(u_ik) + a_i du_ik/dt

Checks read it to turn a state error into a time error (an event's conditioning) and to size a
clock error; values are computed at the caller's mpmath precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

__all__ = ["ReducedRates", "reduced_rates", "root_shift"]


@dataclass(frozen=True)
class ReducedRates:
    """The field at one state: residuals ``r``, ``a_dot``, ``u_dot`` (frozen coordinates 0), and
    the data it was taken with (``c_k = ||x_k||^2 / n``, the state ``a``, ``U``)."""

    r: tuple
    a_dot: tuple
    u_dot: tuple
    a: tuple
    U: tuple
    c: tuple

    def __post_init__(self) -> None:
        m, n = len(self.a), len(self.c)
        if len(self.r) != n or len(self.a_dot) != m or len(self.u_dot) != m or any(len(row) != n for row in self.u_dot):
            raise ValueError("ReducedRates: shapes of r (n), a_dot (m) and u_dot (m x n) disagree")

    def coordinate_rate(self, j: int, k: int):
        """``|c_k a_j r_k|``: the speed of ``u_jk`` while it is active (also just after it froze,
        where the field's own ``u_dot`` is already 0)."""
        return abs(self.c[k] * self.a[j] * self.r[k])

    def residual_rate(self, k: int):
        """``dr_k/dt = sum_i (da_i/dt) relu(u_ik) + a_i du_ik/dt``."""
        return mpmath.fsum(self.a_dot[i] * max(self.U[i][k], 0) + self.a[i] * self.u_dot[i][k]
                           for i in range(len(self.a)))

    def accelerations(self):
        """``(a_ddot, u_ddot, r_dot, r_ddot)``: the second derivatives along the flow, for a
        root's second-order conditioning (a crossing that slows down: :func:`root_shift`)::

            r_k'   = sum_i a_i' relu(u_ik) + a_i u_ik'
            a_i''  = -(1/n) sum_l (r_l' relu(u_il) + r_l u_il')
            u_ik'' = -c_k (a_i' r_k + a_i r_k')                  (u_ik > 0; 0 for a frozen coordinate)
            r_k''  = sum_i a_i'' relu(u_ik) + 2 a_i' u_ik' + a_i u_ik''

        >>> one, zero = mpmath.mpf(1), mpmath.mpf(0)
        >>> f = reduced_rates([one], [[one]], [mpmath.mpf(3)], [one])   # r = -2, a' = u' = 2, r' = 4
        >>> f.accelerations()            # a'' = -(4 + (-2)(2)) = 0, u'' = -(2 (-2) + 4) = 0, r'' = 8
        ((mpf('0.0'),), ((mpf('0.0'),),), (mpf('4.0'),), (mpf('8.0'),))
        """
        m, n = len(self.a), len(self.c)
        relu = [[max(u, 0) for u in row] for row in self.U]
        r_dot = tuple(self.residual_rate(k) for k in range(n))
        a_dd = tuple(-mpmath.fsum(r_dot[l] * relu[i][l] + self.r[l] * self.u_dot[i][l] for l in range(n)) / n
                     for i in range(m))
        u_dd = tuple(tuple(-self.c[k] * (self.a_dot[i] * self.r[k] + self.a[i] * r_dot[k]) if self.U[i][k] > 0
                           else mpmath.mpf(0) for k in range(n)) for i in range(m))
        r_dd = tuple(mpmath.fsum(a_dd[i] * relu[i][k] + 2 * self.a_dot[i] * self.u_dot[i][k] + self.a[i] * u_dd[i][k]
                                 for i in range(m)) for k in range(n))
        return a_dd, u_dd, r_dot, r_dd

    def speed(self):
        """``max(|da_j/dt|, |du_jk/dt|)``: how fast the state moves."""
        return max([abs(v) for v in self.a_dot] + [abs(v) for row in self.u_dot for v in row])


def reduced_rates(a, U, y, c) -> ReducedRates:
    """The field of the reduced flow at ``(a, U)`` (module docstring); ``y`` the labels and ``c``
    the ``||x_k||^2 / n``, as mpf (or numbers mpmath takes).

    >>> one, zero = mpmath.mpf(1), mpmath.mpf(0)
    >>> f = reduced_rates([one, one], [[one], [zero]], [mpmath.mpf(3)], [mpmath.mpf(2)])
    >>> f.r, f.a_dot, f.u_dot          # r = 1 - 3; a_0' = -r u_00 / n; u_00' = -c a_0 r
    ((mpf('-2.0'),), (mpf('2.0'), mpf('0.0')), ((mpf('4.0'),), (mpf('0.0'),)))
    >>> f.residual_rate(0), f.coordinate_rate(1, 0)
    (mpf('6.0'), mpf('4.0'))
    """
    n, m = len(y), len(a)
    relu = [[max(u, 0) for u in row] for row in U]
    r = tuple(mpmath.fsum(a[i] * relu[i][k] for i in range(m)) - y[k] for k in range(n))
    a_dot = tuple(-mpmath.fsum(r[k] * relu[i][k] for k in range(n)) / n for i in range(m))
    u_dot = tuple(tuple(-c[k] * a[i] * r[k] if U[i][k] > 0 else mpmath.mpf(0) for k in range(n))
                  for i in range(m))
    return ReducedRates(r, a_dot, u_dot, tuple(a), tuple(tuple(row) for row in U), tuple(c))


def root_shift(dg, g1, g2):
    """How far a simple root of ``g`` moves when ``g`` is known to ``+-dg`` only, to second order:
    ``g(t* + tau) = g1 tau + g2 tau^2 / 2`` with ``g1 = g'(t*)``, ``g2 = g''(t*)``.

    On the side where the curvature opposes the crossing the perturbed root is the smaller root
    of ``|g1| tau - |g2| tau^2 / 2 = dg``, ``2 dg / (|g1| + sqrt(g1^2 - 2 |g2| dg))``: between the
    first-order ``dg / |g1|`` and twice it.  When ``g1^2 < 2 |g2| dg`` that side has no root: the
    crossing slows to a halt within the rounding (a residual decaying to 0 that crosses it at the
    level of its own rounding, census 0052), and the time is not defined by the digits: ``inf``.
    (On the other side the curvature helps and the shift is below ``dg / |g1|``.)

    >>> root_shift(mpmath.mpf(1), mpmath.mpf(4), mpmath.mpf(0))
    mpf('0.25')
    >>> mpmath.nstr(root_shift(mpmath.mpf(1), mpmath.mpf(2), mpmath.mpf(1)), 8)    # 2 / (2 + sqrt(2))
    '0.58578644'
    >>> root_shift(mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf(1))
    mpf('+inf')
    """
    g1, g2 = abs(g1), abs(g2)
    disc = g1 * g1 - 2 * g2 * dg
    if not g1 or disc < 0:
        return mpmath.inf
    return 2 * dg / (g1 + mpmath.sqrt(disc))
