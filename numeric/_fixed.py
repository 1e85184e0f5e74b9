"""Fixed-point helpers: the border from exact numbers into scaled integers, and polynomial roots.

A fixed-point number with ``F`` fraction bits is a Python/gmpy2 integer ``X`` that stands for
``X * 2**-F``.  The conversions below are *exact* up to one final rounding (round half up), so
they are part of the same border as :func:`gfcheck.numeric.precision.to_mpf`: problem data are
Fractions, and they enter the fixed-point engine only through :func:`fix` (rationals) and
:func:`fix_sqrt` (square roots of rationals, ``isqrt`` of the scaled rational, floor).

>>> from fractions import Fraction
>>> int(fix(Fraction(1, 3), 10))   # round(2**10 / 3)
341
>>> fix_sqrt(Fraction(2), 20) == 1482910  # floor(sqrt(2) * 2**20)
True
>>> horner([1 << 8, -(3 << 8), 2 << 8], 1 << 8, 8) == 0   # 1 - 3 t + 2 t^2 at t = 1
True
"""

from __future__ import annotations

import math
from operator import mul
from fractions import Fraction

import gmpy2
import mpmath

from ._roots import refine_root

__all__ = ["fix", "fix_sqrt", "exact_fraction", "to_fixed_time", "horner", "first_root", "mpf_fixed", "log2_abs",
           "power_grid", "FixedRoots"]

mpz = gmpy2.mpz


def exact_fraction(value, *, where: str) -> Fraction:
    """An exact Fraction from an int, Fraction, decimal/rational string, sympy Rational or mpf.

    Python floats are refused (they carry 53 bits only), as in ``to_mpf``.

    >>> exact_fraction("1/4", where="t")
    Fraction(1, 4)
    >>> exact_fraction(mpmath.mpf(0.5), where="t")
    Fraction(1, 2)
    """
    from gfcheck.symbolic.errors import InvalidInput

    if isinstance(value, bool):
        raise InvalidInput(f"{where}: expected a number, found bool {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise InvalidInput(
            f"{where}: refusing the Python float {value!r} (53 bits only); pass a Fraction, int, "
            "decimal string or mpf"
        )
    if isinstance(value, str):
        from gfcheck.symbolic.problem import parse_number

        return parse_number(value, where=where)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InvalidInput(f"{where}: expected a finite number, found {value}")
        sign, man, exp, _ = value._mpf_
        q = Fraction(int(man)) * (Fraction(2) ** int(exp))
        return -q if sign else q
    p, q = getattr(value, "p", None), getattr(value, "q", None)
    if isinstance(p, int) and isinstance(q, int) and q > 0:
        return Fraction(p, q)
    raise InvalidInput(f"{where}: expected int, Fraction, Rational, mpf or decimal str, found {type(value).__name__}")


def fix(q: Fraction, F: int):
    """``round(q * 2**F)`` exactly (round half up), as an mpz."""
    num, den = q.numerator, q.denominator
    return mpz(((num << (F + 1)) + den) // (2 * den))


def fix_sqrt(q: Fraction, F: int):
    """``floor(sqrt(q) * 2**F)`` exactly for ``q >= 0`` (integer square root of the scaled rational)."""
    num, den = q.numerator, q.denominator
    return gmpy2.isqrt(mpz((num << (2 * F)) // den))


def to_fixed_time(q: Fraction, F2: int):
    """A time as an integer in units of ``2**-F2`` (round half up)."""
    return fix(q, F2)


def mpf_fixed(x, F: int):
    """The mpf of the fixed-point integer ``x`` (value ``x * 2**-F``), rounded at the current precision."""
    return mpmath.mpf((int(x), -F)) if x else mpmath.mpf(0)


def horner(coeffs, tau, F: int):
    """``sum_i c_i tau^i`` in fixed point (``coeffs`` and ``tau`` with ``F`` fraction bits)."""
    acc = mpz(0)
    half = mpz(1) << (F - 1)
    for c in reversed(coeffs):
        acc = ((acc * tau + half) >> F) + c
    return acc


def _derivative(coeffs):
    return [c * i for i, c in enumerate(coeffs)][1:]


def power_grid(tau_max, F: int, order: int, samples: int = 32):
    """Sample points ``t_q = q tau_max / samples`` with their fixed-point powers ``t_q^i`` (i <= order).

    With the grid, a polynomial is evaluated at ``t_q`` by one C-level sum of exact products.
    """
    grid = []
    for q in range(1, samples + 1):
        tq = mpz((tau_max * q) // samples)
        pw = [mpz(1) << F, tq]
        for _ in range(order - 1):
            pw.append((pw[-1] * tq) >> F)
        grid.append((tq, pw))
    return grid


def first_root(coeffs, tau_max, F: int, *, samples: int = 32, skip_zero: bool = False, grid=None):
    """The first ``tau`` in ``(0, tau_max]`` where the fixed-point polynomial becomes ``<= 0``.

    The polynomial must be positive just after 0 (``coeffs[0] > 0``, or ``skip_zero`` for a
    coordinate sitting at 0 that moves up).  The sign is sampled at ``samples`` equispaced points
    (so two crossings of the same coordinate further apart than ``tau_max / samples`` are
    seen), then the root is refined in its bracket by safeguarded Newton at the full fixed-point
    resolution (bisection whenever a Newton step leaves the bracket).  Returns the smallest
    fixed-point ``tau`` found with ``P(tau) <= 0`` or None.

    >>> F = 20; one = 1 << F
    >>> r = first_root([one // 2, -one], one, F)     # 1/2 - t: root 1/2
    >>> abs(r - one // 2) <= 1
    True
    >>> first_root([one, one], one, F) is None
    True
    """
    if tau_max <= 0:
        return None
    lo = mpz(0)
    hi = None
    if grid is not None:
        for tq, pw in grid:
            if sum(map(mul, coeffs, pw)) <= 0:
                hi = tq
                break
            lo = tq
    else:
        for q in range(1, samples + 1):
            tq = (tau_max * q) // samples
            if horner(coeffs, tq, F) <= 0:
                hi = tq
                break
            lo = tq
    if hi is None:
        return None
    # invariant: P(lo) > 0 (or lo == 0 coming up from 0), P(hi) <= 0
    return refine_root(FixedRoots(coeffs, F, 1), lo, hi, (lo + hi) >> 1, 4 * F + 64)


class FixedRoots:
    """The fixed-point kernel of :func:`gfcheck.numeric._roots.refine_root`: the polynomial
    ``coeffs`` and its derivative in Horner form at ``F`` fraction bits, a bracket closed to
    ``width`` units of ``2^-F`` (one: the full resolution)."""

    __slots__ = ("coeffs", "dcoef", "F", "width")

    def __init__(self, coeffs, F: int, width=1):
        self.coeffs, self.dcoef, self.F, self.width = coeffs, _derivative(coeffs), F, width

    def value(self, tau):
        return horner(self.coeffs, tau, self.F)

    def slope(self, tau):
        return horner(self.dcoef, tau, self.F)

    def newton(self, tau, p, d, lo, hi):
        return tau - (p << self.F) // d if d else lo

    @staticmethod
    def inside(lo, x, hi) -> bool:
        return lo < x < hi

    @staticmethod
    def middle(lo, hi):
        return (lo + hi) >> 1

    def done(self, lo, hi, tau, nxt):
        return hi if hi - lo <= self.width else None


def log2_abs(x) -> float:
    """``log2 |x|`` of a (possibly huge) integer, ``-inf`` for 0.

    >>> log2_abs(8)
    3.0
    """
    if not x:
        return -math.inf
    return math.log2(abs(int(x)))
